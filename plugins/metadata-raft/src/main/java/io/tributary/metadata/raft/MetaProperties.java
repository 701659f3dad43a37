package io.tributary.metadata.raft;

import io.tributary.metadata.raft.controller.MetadataController;
import io.tributary.metadata.raft.log.DurableFiles;
import io.tributary.spi.metadata.MetadataError;
import io.tributary.spi.metadata.MetadataException;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The identity of a metadata directory, in {@code meta.properties} with Kafka's key names
 * ({@code version}, {@code cluster.id}, {@code node.id}): written on first start with a new
 * cluster id, checked on every later start so that a directory is never used by another node.
 *
 * @param clusterId 22 characters of URL-safe base64 (a random UUID), as Kafka's cluster ids
 * @param nodeId the node that owns the directory
 */
record MetaProperties(String clusterId, int nodeId) {
    static final String FILE_NAME = "meta.properties";
    static final int VERSION = 1;
    private static final Pattern CLUSTER_ID = Pattern.compile("[A-Za-z0-9_-]{22}");

    /**
     * Reads {@code dir/meta.properties}, or creates it with a fresh cluster id.
     *
     * @throws MetadataException if the file belongs to another node, has another version or is damaged
     */
    static MetaProperties loadOrCreate(Path dir, int nodeId, Supplier<UUID> uuids) {
        Path file = dir.resolve(FILE_NAME);
        try {
            if (!Files.exists(file)) {
                MetaProperties created = new MetaProperties(newClusterId(uuids), nodeId);
                DurableFiles.writeAtomically(
                        file,
                        "# The identity of this metadata directory; written by Tributary on first start.\n"
                                + "version=" + VERSION + "\n"
                                + "cluster.id=" + created.clusterId + "\n"
                                + "node.id=" + nodeId + "\n");
                return created;
            }
            Properties props = new Properties();
            try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                props.load(reader);
            }
            String version = props.getProperty("version");
            if (!Integer.toString(VERSION).equals(version)) {
                throw error(file + " has version " + version + "; this Tributary reads version " + VERSION);
            }
            String clusterId = props.getProperty("cluster.id");
            if (clusterId == null || !CLUSTER_ID.matcher(clusterId).matches()) {
                throw error(file + " has no valid cluster.id (found '" + clusterId + "')");
            }
            String storedNode = props.getProperty("node.id");
            int storedNodeId;
            try {
                storedNodeId = Integer.parseInt(String.valueOf(storedNode).trim());
            } catch (NumberFormatException e) {
                throw error(file + " has no valid node.id (found '" + storedNode + "')");
            }
            if (storedNodeId != nodeId) {
                throw error("The metadata directory " + dir + " belongs to node.id " + storedNodeId
                        + " (see " + file + "), but this broker is configured with node.id " + nodeId
                        + ". Start it with node.id=" + storedNodeId + ", or give it its own metadata.log.dir.");
            }
            return new MetaProperties(clusterId, storedNodeId);
        } catch (IOException e) {
            throw new MetadataException(MetadataError.UNKNOWN_SERVER_ERROR, "Cannot read or write " + file, e);
        }
    }

    private static MetadataException error(String message) {
        return new MetadataException(MetadataError.UNKNOWN_SERVER_ERROR, message);
    }

    /** A cluster id as Kafka makes them, avoiding a leading '-' that command-line tools take for a flag. */
    static String newClusterId(Supplier<UUID> uuids) {
        while (true) {
            UUID id = uuids.get();
            String text = MetadataController.base64(id);
            if (!text.startsWith("-") && (id.getMostSignificantBits() != 0 || id.getLeastSignificantBits() != 0)) {
                return text;
            }
        }
    }
}
