package io.tributary.metadata.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.spi.metadata.MetadataProvider;
import io.tributary.spi.plugin.SpiVersion;
import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class RaftMetadataProviderTest {

    @Test
    void shouldBeFoundByServiceLoaderUnderItsName() {
        // Tests run inside the plugin's module, which (rightly) declares no 'uses' of its own.
        getClass().getModule().addUses(MetadataProvider.class);
        List<String> names = ServiceLoader.load(MetadataProvider.class).stream()
                .filter(p -> p.type() == RaftMetadataProvider.class)
                .map(p -> p.get().name())
                .toList();
        assertEquals(List.of("raft"), names);
    }

    @Test
    void shouldDeclareTheProviderInModuleAndServicesFile() throws IOException {
        ModuleDescriptor descriptor = RaftMetadataProvider.class.getModule().getDescriptor();
        if (descriptor != null) { // null only when the tests run on the class path
            assertTrue(descriptor.provides().stream()
                    .anyMatch(p -> p.service().equals(MetadataProvider.class.getName())
                            && p.providers().equals(List.of(RaftMetadataProvider.class.getName()))));
            assertTrue(descriptor.exports().isEmpty(), "the plugin exports nothing");
        }
        try (InputStream in = RaftMetadataProvider.class.getResourceAsStream(
                "/META-INF/services/" + MetadataProvider.class.getName())) {
            assertEquals(
                    RaftMetadataProvider.class.getName(), new String(in.readAllBytes(), StandardCharsets.UTF_8).trim());
        }
    }

    @Test
    void shouldDeclareTheCurrentSpiVersion() {
        RaftMetadataProvider provider = new RaftMetadataProvider();
        assertEquals(SpiVersion.CURRENT, provider.spiVersion());
        assertEquals("raft", provider.name());
    }
}
