package io.tributary.kernel.plugin;

import io.tributary.spi.plugin.Plugin;
import io.tributary.spi.plugin.PluginException;
import java.io.IOException;
import java.lang.module.Configuration;
import java.lang.module.ModuleFinder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds plugins. Providers come from the kernel's own layer (the module path, or the class path
 * in tests) and from each subfolder of {@code plugin.path}, which is resolved into a
 * {@link ModuleLayer} of its own so that one plugin's dependencies never collide with
 * another's. Not thread-safe; used once at start-up.
 */
public final class PluginLoader {
    private final List<PluginSource> sources;

    private PluginLoader(List<PluginSource> sources) {
        this.sources = sources;
    }

    /**
     * Where providers are looked up: a layer (with the folder it came from, or the kernel's own)
     * or, on the class path, the kernel's class loader.
     */
    private record PluginSource(String origin, ModuleLayer layer, ClassLoader loader) {}

    /**
     * Prepares the loader: one module layer per subfolder of {@code pluginPath} (if given).
     *
     * @throws PluginException if a plugin folder cannot be resolved into a layer
     */
    public static PluginLoader create(Optional<Path> pluginPath) {
        List<PluginSource> sources = new ArrayList<>();
        Module kernel = PluginLoader.class.getModule();
        // On the module path (the distribution) the kernel's own layer declares its providers
        // with provides clauses, and a class-path lookup would only read META-INF/services in
        // every jar for nothing (~14 ms of start-up); on the class path (tests) it is the lookup.
        sources.add(
                kernel.isNamed() && kernel.getLayer() != null
                        ? new PluginSource("kernel", kernel.getLayer(), null)
                        : new PluginSource("kernel", null, PluginLoader.class.getClassLoader()));
        if (pluginPath.isPresent()) {
            Path root = pluginPath.get();
            if (!Files.isDirectory(root)) {
                throw new PluginException("plugin.path " + root + " is not a directory");
            }
            try (Stream<Path> dirs = Files.list(root)) {
                for (Path dir : dirs.filter(Files::isDirectory).sorted().toList()) {
                    sources.add(new PluginSource(dir.toString(), defineLayer(dir), null));
                }
            } catch (IOException e) {
                throw new PluginException("Cannot list plugin.path " + root, e);
            }
        }
        return new PluginLoader(sources);
    }

    /**
     * Has the JDK create the counters of its module-path finder now, on this thread. Call it
     * before starting a thread that may load classes while this one defines plugin layers.
     *
     * <p>HotSpot looks a new JDK performance counter's name up in its list of counters without the
     * lock that guards additions to the list ({@code Perf_CreateLong} calls
     * {@code PerfDataManager::exists}), so two threads creating counters at once can crash the JVM
     * (SIGSEGV in {@code PerfDataList::find_by_name}; seen in CI, and two threads creating
     * {@code jdk.internal.perf.PerfCounter}s in a loop crash JDK 25 in 3 runs of 6). The JDK
     * creates such counters in class initializers: the class-loading ones on whichever thread first
     * defines a class outside the AOT cache, the module-path finder's when {@link #create} first
     * calls {@code ModuleFinder.of}. Making the finder here leaves one initializer, and an
     * initializer runs on one thread. {@code ModuleFinder.of} with a path reads nothing until a
     * module is looked up.
     */
    public static void createModulePathCounters() {
        ModuleFinder.of(Path.of(""));
    }

    private static ModuleLayer defineLayer(Path dir) {
        ModuleFinder finder = ModuleFinder.of(dir);
        Set<String> roots =
                finder.findAll().stream().map(ref -> ref.descriptor().name()).collect(Collectors.toSet());
        if (roots.isEmpty()) {
            throw new PluginException("Plugin folder " + dir + " holds no modules (jars)");
        }
        ModuleLayer parent = ModuleLayer.boot();
        ModuleLayer.Controller controller;
        try {
            Configuration cf = parent.configuration().resolveAndBind(finder, ModuleFinder.of(), roots);
            controller =
                    ModuleLayer.defineModulesWithOneLoader(cf, List.of(parent), PluginLoader.class.getClassLoader());
        } catch (RuntimeException e) {
            throw new PluginException("Cannot load plugin folder " + dir + ": " + e.getMessage(), e);
        }
        // Plugins may map files or call native libraries (FFM); grant them what the kernel has.
        if (PluginLoader.class.getModule().isNativeAccessEnabled()) {
            for (Module m : controller.layer().modules()) {
                controller.enableNativeAccess(m);
            }
        }
        return controller.layer();
    }

    /** A provider found by the loader, with where it came from. */
    public record Found<T extends Plugin>(T provider, String origin) {}

    /** Every provider of {@code type}, instantiated, in a stable order. */
    public <T extends Plugin> List<Found<T>> providers(Class<T> type) {
        List<Found<T>> found = new ArrayList<>();
        for (PluginSource source : sources) {
            ServiceLoader<T> loader = source.layer() == null
                    ? ServiceLoader.load(type, source.loader())
                    : ServiceLoader.load(source.layer(), type);
            for (ServiceLoader.Provider<T> p : loader.stream().toList()) {
                // A layer's loader also sees its parents' providers; count each provider once, in its own layer.
                if (source.layer() != null && p.type().getModule().getLayer() != source.layer()) {
                    continue;
                }
                try {
                    found.add(new Found<>(p.get(), source.origin()));
                } catch (java.util.ServiceConfigurationError e) {
                    throw new PluginException(
                            "Cannot instantiate " + type.getSimpleName() + " "
                                    + p.type().getName() + " from " + source.origin() + ": " + e.getMessage(),
                            e);
                }
            }
        }
        // By name, then origin; written out, as Comparator.comparing's method handles are linked
        // at run time (~8 ms of every start).
        found.sort((a, b) -> {
            int byName = a.provider().name().compareTo(b.provider().name());
            return byName != 0 ? byName : a.origin().compareTo(b.origin());
        });
        return found;
    }

    /**
     * The provider of {@code type} named {@code name}, checked before anything else for its SPI
     * version.
     *
     * @param kind the config key that named it, for messages (e.g. "storage.plugin")
     * @throws PluginException if no provider or several have that name, or if it was built
     *     against another SPI version; the message lists the known names
     */
    public <T extends Plugin> T select(Class<T> type, String kind, String name) {
        List<Found<T>> all = providers(type);
        List<Found<T>> matching =
                all.stream().filter(f -> f.provider().name().equals(name)).toList();
        String known =
                all.stream().map(f -> f.provider().name()).distinct().sorted().collect(Collectors.joining(", "));
        if (matching.isEmpty()) {
            throw new PluginException("No provider named '" + name + "' for " + kind + "; known: "
                    + (known.isEmpty() ? "(none)" : known));
        }
        if (matching.size() > 1) {
            throw new PluginException("Several providers named '" + name + "' for " + kind + ": "
                    + matching.stream()
                            .map(f -> f.provider().getClass().getName() + " (" + f.origin() + ")")
                            .collect(Collectors.joining(", "))
                    + "; remove all but one");
        }
        Found<T> chosen = matching.getFirst();
        PluginVersions.check(chosen.provider(), chosen.origin());
        Logger log = LoggerFactory.getLogger(PluginLoader.class);
        log.info(
                "Using {} plugin '{}' ({} from {})",
                kind,
                name,
                chosen.provider().getClass().getName(),
                chosen.origin());
        return chosen.provider();
    }

    /** The names of all providers of {@code type}, by origin (for diagnostics). */
    public <T extends Plugin> Map<String, String> describe(Class<T> type) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Found<T> f : providers(type)) {
            out.put(f.provider().name(), f.origin());
        }
        return out;
    }
}
