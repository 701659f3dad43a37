package io.tributary.protocol.generator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpecParserTest {
    private static final String SPEC = """
            // A comment, as in Kafka's specs.
            {
              "apiKey": 99,
              "type": "request",
              "listeners": ["controller", "broker"],
              "name": "ExampleRequest",
              "validVersions": "0-3",
              "flexibleVersions": "2+",
              "fields": [
                { "name": "Timeout", "type": "int32", "versions": "0+", "default": "0x7fffffff" },
                { "name": "Items", "type": "[]Item", "versions": "0+", "fields": [
                  { "name": "Name", "type": "string", "versions": "0+", "nullableVersions": "1+" }
                ]},
                { "name": "Leader", "type": "LeaderInfo", "versions": "2+", "taggedVersions": "2+", "tag": 0 }
              ],
              "commonStructs": [
                { "name": "LeaderInfo", "versions": "0+", "fields": [
                  { "name": "Epoch", "type": "int32", "versions": "0+", "default": -1 }
                ]}
              ]
            }
            """;

    @Test
    void shouldReadFieldsStructsAndCommonStructs(@TempDir Path dir) throws IOException {
        MessageSpec spec = SpecParser.parse(Files.writeString(dir.resolve("ExampleRequest.json"), SPEC));

        assertEquals("ExampleRequestData", spec.className());
        assertEquals(Optional.of((short) 99), spec.apiKey());
        assertEquals(List.of("broker", "controller"), spec.listeners());
        assertEquals(List.of("Item", "LeaderInfo"), List.copyOf(spec.structs().keySet()));
        FieldSpec leader = spec.fields().get(2);
        assertEquals(Optional.of(0), leader.tag());
        assertTrue(leader.untaggedVersions().isEmpty());
        assertEquals(
                "-1",
                spec.struct("LeaderInfo").fields().getFirst().defaultValue().orElseThrow());
    }

    @Test
    void shouldWriteDefaultsAsJavaLiterals(@TempDir Path dir) throws IOException {
        MessageSpec spec = SpecParser.parse(Files.writeString(dir.resolve("ExampleRequest.json"), SPEC));
        String source = MessageClassGenerator.generate(spec, "test");

        assertTrue(source.contains("this.timeout = 2147483647;"), source);
        assertTrue(source.contains("this.epoch = -1;"), source);
        assertTrue(source.contains("public ExampleRequestData setTimeout(int value)"), source);
        assertTrue(source.contains("public static final class LeaderInfo implements Message"), source);
    }

    @Test
    void shouldRejectATaggedFieldOutsideFlexibleVersions(@TempDir Path dir) throws IOException {
        String spec = SPEC.replace("\"taggedVersions\": \"2+\", \"tag\": 0", "\"taggedVersions\": \"1+\", \"tag\": 0")
                .replace("\"versions\": \"2+\", \"taggedVersions\"", "\"versions\": \"1+\", \"taggedVersions\"");
        Path file = Files.writeString(dir.resolve("ExampleRequest.json"), spec);
        assertThrows(IllegalArgumentException.class, () -> SpecParser.parse(file));
    }

    @Test
    void shouldRejectANullableNumber(@TempDir Path dir) throws IOException {
        String spec = SPEC.replace("\"default\": \"0x7fffffff\"", "\"nullableVersions\": \"0+\"");
        Path file = Files.writeString(dir.resolve("ExampleRequest.json"), spec);
        assertThrows(IllegalArgumentException.class, () -> SpecParser.parse(file));
    }

    @Test
    void shouldRejectAReferenceToAnUnknownStruct(@TempDir Path dir) throws IOException {
        String spec = SPEC.replace("\"type\": \"LeaderInfo\"", "\"type\": \"Missing\"");
        Path file = Files.writeString(dir.resolve("ExampleRequest.json"), spec);
        assertThrows(IllegalArgumentException.class, () -> SpecParser.parse(file));
    }

    @Test
    void shouldRejectAStructNameTheGeneratedCodeUses(@TempDir Path dir) throws IOException {
        String spec = SPEC.replace("\"[]Item\"", "\"[]List\"");
        MessageSpec parsed = SpecParser.parse(Files.writeString(dir.resolve("ExampleRequest.json"), spec));
        assertThrows(IllegalArgumentException.class, () -> MessageClassGenerator.generate(parsed, "test"));
    }
}
