package io.tributary.storage.mmap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.spi.plugin.PluginSettings;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MmapSettingsTest {

    @Test
    void shouldUseTheRecordedDefaults() {
        MmapSettings s = MmapSettings.from(PluginSettings.empty());

        assertEquals(new MmapSettings(10_000, 30_000, 64L << 20, 4L << 10, 4L << 20, false, 2, 1, false), s);
        assertEquals(MmapSettings.DEFAULT, s);
    }

    @Test
    void shouldMapEveryKey() {
        PluginSettings given = new PluginSettings(
                Map.of(
                        "max.open.files", "100",
                        "max.mapped.files", "200",
                        "map.window.bytes", "1048576",
                        "reserve.chunk.min.bytes", "8192",
                        "reserve.chunk.max.bytes", "65536",
                        "fallocate", "true",
                        "background.threads", "3",
                        "prepare.threads", "0",
                        "test.record.synced.lengths", "true"),
                Map.of());

        assertEquals(new MmapSettings(100, 200, 1 << 20, 8192, 65536, true, 3, 0, true), MmapSettings.from(given));
    }

    @Test
    void shouldRejectInvalidValuesNamingTheKey() {
        assertRejected("max.open.files", "2");
        assertRejected("max.mapped.files", "0");
        assertRejected("map.window.bytes", "100");
        assertRejected("reserve.chunk.min.bytes", "10");
        assertRejected("background.threads", "0");
        assertRejected("prepare.threads", "-1");
        assertRejected("test.record.synced.lengths", "sometimes");
        assertRejected("fallocate", "maybe");
        assertRejected("max.open.files", "many");
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> MmapSettings.from(new PluginSettings(
                        Map.of("reserve.chunk.min.bytes", "65536", "reserve.chunk.max.bytes", "8192"), Map.of())));
        assertTrue(e.getMessage().contains("reserve.chunk.max.bytes"), e.getMessage());
    }

    private static void assertRejected(String key, String value) {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> MmapSettings.from(new PluginSettings(Map.of(key, value), Map.of())));
        assertTrue(e.getMessage().contains(key), e.getMessage());
    }
}
