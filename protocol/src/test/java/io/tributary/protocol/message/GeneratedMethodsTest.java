package io.tributary.protocol.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.protocol.generator.MessageSpec;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The shape of the generated read and write methods that the JIT depends on: a top-level message reads and writes its
 * fields in {@code read} and {@code write} themselves, so that C2 compiles each once (a private {@code readFields}
 * that only {@code read} called was compiled twice, as itself and inlined into {@code read}). Nested structs keep
 * {@code readFields}/{@code writeFields}, which their parents call for each element.
 */
class GeneratedMethodsTest {
    @Test
    void shouldReadAndWriteTopLevelMessagesInOneMethodEach() throws Exception {
        List<String> withHelpers = new ArrayList<>();
        int nested = 0;
        int nestedWithHelpers = 0;
        for (MessageSpec spec : SpecValues.specs()) {
            if (spec.validVersions().isEmpty()) {
                continue;
            }
            Class<?> top = Class.forName(SpecValues.ourClassName(spec));
            if (declares(top, "readFields") || declares(top, "writeFields")) {
                withHelpers.add(top.getSimpleName());
            }
            for (Class<?> struct : top.getDeclaredClasses()) {
                nested++;
                if (declares(struct, "readFields") && declares(struct, "writeFields")) {
                    nestedWithHelpers++;
                }
            }
        }
        assertEquals(List.of(), withHelpers, "top-level messages with a readFields or writeFields");
        assertTrue(nested > 0, "no nested structs found");
        assertEquals(nested, nestedWithHelpers, "nested structs with both readFields and writeFields");
    }

    private static boolean declares(Class<?> c, String name) {
        return Arrays.stream(c.getDeclaredMethods()).map(Method::getName).anyMatch(name::equals);
    }
}
