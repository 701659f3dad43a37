package io.tributary.metadata.raft.quorum;

import io.tributary.metadata.raft.log.CorruptLogException;
import io.tributary.metadata.raft.log.DurableFiles;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * Raft's election state, which must survive restarts so that an epoch is never reused: the
 * latest epoch, its leader and whom this node voted for. Stored in {@code quorum-state} (the
 * name Kafka uses) as versioned properties.
 *
 * @param epoch the latest known leader epoch
 * @param leaderId the leader of that epoch, or -1
 * @param votedId whom this node voted for in that epoch, or -1
 */
public record QuorumState(int epoch, int leaderId, int votedId) {
    static final String FILE_NAME = "quorum-state";
    private static final int VERSION = 1;

    /** What is stored in {@code dir}, or epoch -1 with no leader when nothing is. */
    static QuorumState read(Path dir) {
        Path file = dir.resolve(FILE_NAME);
        if (!Files.exists(file)) {
            return new QuorumState(-1, -1, -1);
        }
        Properties props = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            props.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
        try {
            int version = Integer.parseInt(props.getProperty("version", "?"));
            if (version != VERSION) {
                throw new CorruptLogException(
                        file + " has version " + version + "; this Tributary reads version " + VERSION);
            }
            return new QuorumState(
                    Integer.parseInt(props.getProperty("leader.epoch")),
                    Integer.parseInt(props.getProperty("leader.id")),
                    Integer.parseInt(props.getProperty("voted.id")));
        } catch (NumberFormatException e) {
            throw new CorruptLogException(file + " is damaged: " + e.getMessage(), e);
        }
    }

    /** Stores this state in {@code dir} durably. */
    void write(Path dir) {
        String text = "# Raft election state of the metadata log; written by Tributary\n"
                + "version=" + VERSION + "\n"
                + "leader.epoch=" + epoch + "\n"
                + "leader.id=" + leaderId + "\n"
                + "voted.id=" + votedId + "\n";
        try {
            DurableFiles.writeAtomically(dir.resolve(FILE_NAME), text);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + dir.resolve(FILE_NAME), e);
        }
    }
}
