package io.tributary.protocol.generator;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/** Reads Kafka's JSON message specs (which carry {@code //} comments) into {@link MessageSpec}s. */
public final class SpecParser {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_JAVA_COMMENTS)
            .enable(JsonReadFeature.ALLOW_TRAILING_COMMA)
            .build();

    private SpecParser() {}

    /** Parses every {@code *.json} file of a directory, sorted by file name. */
    public static List<MessageSpec> parseDirectory(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> specs = files.filter(p -> p.getFileName().toString().endsWith(".json"))
                    .sorted(Comparator.comparing(p -> p.getFileName().toString()))
                    .toList();
            if (specs.isEmpty()) {
                throw new IllegalArgumentException("No *.json message specs in " + dir);
            }
            List<MessageSpec> result = new ArrayList<>();
            for (Path p : specs) {
                result.add(parse(p));
            }
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list " + dir, e);
        }
    }

    /** Parses one spec file. */
    public static MessageSpec parse(Path file) {
        try {
            return parse(MAPPER.readTree(file.toFile()));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("Invalid spec " + file.getFileName() + ": " + e.getMessage(), e);
        }
    }

    static MessageSpec parse(JsonNode root) {
        String name = required(root, "name").asText();
        String type = required(root, "type").asText();
        Optional<Short> apiKey =
                root.has("apiKey") ? Optional.of((short) root.get("apiKey").asInt()) : Optional.empty();
        Versions valid = Versions.parse(required(root, "validVersions").asText());
        Versions flexible = root.has("flexibleVersions")
                ? Versions.parse(root.get("flexibleVersions").asText())
                : Versions.NONE;
        if (!flexible.isEmpty() && flexible.highest() != Short.MAX_VALUE) {
            throw new IllegalArgumentException("flexibleVersions must be open-ended: " + flexible);
        }
        List<String> listeners = new ArrayList<>();
        if (root.has("listeners")) {
            root.get("listeners").forEach(n -> listeners.add(n.asText()));
            // Same order as kafka-clients' ListenerType enum, whatever order the spec lists them in.
            listeners.sort(Comparator.comparing(l -> l.equals("broker") ? 0 : l.equals("controller") ? 1 : 2));
        }
        Map<String, StructSpec> structs = new LinkedHashMap<>();
        List<FieldSpec> fields = parseFields(root.get("fields"), structs);
        if (root.has("commonStructs")) {
            for (JsonNode common : root.get("commonStructs")) {
                String structName = required(common, "name").asText();
                register(structs, new StructSpec(structName, parseFields(common.get("fields"), structs)));
            }
        }
        MessageSpec spec = new MessageSpec(
                name,
                type,
                apiKey,
                valid,
                flexible,
                root.path("latestVersionUnstable").asBoolean(false),
                List.copyOf(listeners),
                fields,
                structs);
        validate(spec, spec.fields());
        for (StructSpec s : structs.values()) {
            validate(spec, s.fields());
        }
        return spec;
    }

    private static List<FieldSpec> parseFields(JsonNode array, Map<String, StructSpec> structs) {
        List<FieldSpec> fields = new ArrayList<>();
        if (array == null) {
            return fields;
        }
        for (JsonNode f : array) {
            fields.add(parseField(f, structs));
        }
        return List.copyOf(fields);
    }

    private static FieldSpec parseField(JsonNode f, Map<String, StructSpec> structs) {
        String name = required(f, "name").asText();
        FieldType type = FieldType.parse(required(f, "type").asText());
        Versions tagged =
                f.has("taggedVersions") ? Versions.parse(f.get("taggedVersions").asText()) : Versions.NONE;
        Versions versions;
        if (f.has("versions")) {
            versions = Versions.parse(f.get("versions").asText());
        } else if (!tagged.isEmpty()) {
            versions = tagged;
        } else {
            throw new IllegalArgumentException("Field " + name + " has no versions");
        }
        Optional<Integer> tag = f.has("tag") ? Optional.of(f.get("tag").asInt()) : Optional.empty();
        if (tag.isPresent() == tagged.isEmpty()) {
            throw new IllegalArgumentException("Field " + name + " must have both tag and taggedVersions, or neither");
        }
        if (!versions.containsAll(tagged)) {
            throw new IllegalArgumentException("Field " + name + ": taggedVersions outside versions");
        }
        List<FieldSpec> children = parseFields(f.get("fields"), structs);
        FieldSpec field = new FieldSpec(
                name,
                type,
                versions,
                f.has("nullableVersions")
                        ? Versions.parse(f.get("nullableVersions").asText())
                        : Versions.NONE,
                tagged,
                tag,
                f.path("ignorable").asBoolean(false),
                f.has("default") ? Optional.of(f.get("default").asText()) : Optional.empty(),
                f.has("flexibleVersions")
                        ? Optional.of(Versions.parse(f.get("flexibleVersions").asText()))
                        : Optional.empty(),
                children,
                f.path("about").asText(""));
        if (!children.isEmpty()) {
            String structName = field.structName()
                    .orElseThrow(
                            () -> new IllegalArgumentException("Field " + name + " has fields but no struct type"));
            register(structs, new StructSpec(structName, children));
        }
        return field;
    }

    private static void register(Map<String, StructSpec> structs, StructSpec struct) {
        if (structs.putIfAbsent(struct.name(), struct) != null) {
            throw new IllegalArgumentException("Struct " + struct.name() + " is declared twice");
        }
    }

    private static void validate(MessageSpec spec, List<FieldSpec> fields) {
        Map<Integer, String> tags = new LinkedHashMap<>();
        for (FieldSpec f : fields) {
            f.structName().ifPresent(spec::struct);
            boolean nullableType = !(f.type() instanceof FieldType.Primitive p) || p.canBeNull();
            if (!f.nullableVersions().isEmpty() && !nullableType) {
                throw new IllegalArgumentException(
                        "Field " + f.name() + " of type " + f.type() + " cannot be nullable");
            }
            if (f.defaultValue().map("null"::equals).orElse(false)
                    && !f.nullableVersions().containsAll(f.versions())) {
                throw new IllegalArgumentException(
                        "Field " + f.name() + " defaults to null but is not nullable in all its versions");
            }
            if (f.flexibleVersions().isPresent()
                    && f.type() != FieldType.Primitive.STRING
                    && f.type() != FieldType.Primitive.BYTES) {
                throw new IllegalArgumentException(
                        "Field " + f.name() + ": flexibleVersions only applies to strings and bytes");
            }
            if (f.tag().isPresent()) {
                if (!spec.flexibleVersions().containsAll(f.taggedVersions())) {
                    throw new IllegalArgumentException("Tagged field " + f.name() + " outside flexible versions");
                }
                String previous = tags.put(f.tag().get(), f.name());
                if (previous != null) {
                    throw new IllegalArgumentException("Fields " + previous + " and " + f.name() + " share a tag");
                }
            }
        }
    }

    private static JsonNode required(JsonNode node, String key) {
        JsonNode value = node.get(key);
        if (value == null) {
            throw new IllegalArgumentException("Missing \"" + key + "\"");
        }
        return value;
    }
}
