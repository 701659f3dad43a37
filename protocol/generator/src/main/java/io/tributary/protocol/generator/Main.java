package io.tributary.protocol.generator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Build-time entry point: {@code Main <spec dir> <output source root> <kafka version>} writes one class per message
 * spec and {@code ApiMessageType} into {@code <output source root>/io/tributary/protocol/message}.
 *
 * <p>When a stamp file in the output is newer than every spec and than the generator itself, nothing is done, so
 * that incremental builds do not recompile the generated classes.
 */
public final class Main {
    private static final String STAMP = ".generated";

    private Main() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            throw new IllegalArgumentException("Usage: Main <spec dir> <output source root> <kafka version>");
        }
        Path specDir = Path.of(args[0]);
        Path outputRoot = Path.of(args[1]);
        String kafkaVersion = args[2];
        Path packageDir = outputRoot.resolve(MessageClassGenerator.PACKAGE.replace('.', '/'));
        Path stamp = outputRoot.resolve(STAMP);
        if (isUpToDate(specDir, stamp)) {
            System.out.println("Generated messages are up to date in " + packageDir);
            return;
        }
        List<MessageSpec> specs = SpecParser.parseDirectory(specDir);
        deleteRecursively(outputRoot);
        Files.createDirectories(packageDir);
        int classes = 0;
        for (MessageSpec spec : specs) {
            if (spec.validVersions().isEmpty()) {
                continue; // removed APIs keep their ApiMessageType constant but have no class
            }
            try {
                Files.writeString(
                        packageDir.resolve(spec.className() + ".java"),
                        MessageClassGenerator.generate(spec, kafkaVersion));
            } catch (RuntimeException e) {
                throw new IllegalStateException("Cannot generate " + spec.name() + ": " + e.getMessage(), e);
            }
            classes++;
        }
        Files.writeString(
                packageDir.resolve("ApiMessageType.java"), ApiMessageTypeGenerator.generate(specs, kafkaVersion));
        Files.writeString(stamp, kafkaVersion + "\n");
        System.out.println("Generated " + classes + " message classes and ApiMessageType from " + specs.size()
                + " specs into " + packageDir);
    }

    private static boolean isUpToDate(Path specDir, Path stamp) throws IOException {
        if (!Files.isRegularFile(stamp)) {
            return false;
        }
        Optional<Path> generator = generatorLocation();
        if (generator.isEmpty()) {
            return false;
        }
        FileTime generated = Files.getLastModifiedTime(stamp);
        return newest(specDir).compareTo(generated) < 0
                && newest(generator.get()).compareTo(generated) < 0;
    }

    /** The generator's jar or classes directory, if known: a change to the generator regenerates too. */
    private static Optional<Path> generatorLocation() {
        try {
            return Optional.of(Path.of(Main.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI()));
        } catch (URISyntaxException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static FileTime newest(Path path) throws IOException {
        if (!Files.isDirectory(path)) {
            return Files.getLastModifiedTime(path);
        }
        try (Stream<Path> files = Files.walk(path)) {
            return files.map(p -> {
                        try {
                            return Files.getLastModifiedTime(p);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    })
                    .max(Comparator.naturalOrder())
                    .orElse(FileTime.fromMillis(Long.MAX_VALUE));
        }
    }

    private static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
