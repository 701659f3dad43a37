package io.tributary.kernel.produce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.spi.storage.StorageException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Group commit in the sync stage: the submissions that queue while a sync runs are served
 * together, with one sync per log however many of them name it, and each hears only of its own
 * failed logs.
 */
class SyncStageTest {
    /** Every sync, in order, by log name. */
    private final List<String> synced = Collections.synchronizedList(new ArrayList<>());

    private final CountDownLatch firstSyncStarted = new CountDownLatch(1);
    private final CountDownLatch releaseFirstSync = new CountDownLatch(1);
    private volatile String failing = "";

    private final SyncStage<String> stage = new SyncStage<>(this::sync);

    private void sync(String log) {
        if (firstSyncStarted.getCount() > 0) {
            firstSyncStarted.countDown();
            await(releaseFirstSync);
        }
        synced.add(log);
        if (log.equals(failing)) {
            throw new StorageException("disk gone under " + log);
        }
    }

    @AfterEach
    void close() {
        releaseFirstSync.countDown();
        stage.close();
    }

    @Test
    void shouldServeSubmissionsQueuedDuringASyncWithOneSyncPerLog() throws Exception {
        CompletableFuture<Set<String>> first = submit(List.of("a"));
        await(firstSyncStarted);
        // The sync thread is inside the first sync: these three queue behind it.
        CompletableFuture<Set<String>> second = submit(List.of("a", "b"));
        CompletableFuture<Set<String>> third = submit(List.of("a"));
        CompletableFuture<Set<String>> fourth = submit(List.of("b", "c"));

        releaseFirstSync.countDown();

        assertEquals(Set.of(), result(first));
        assertEquals(Set.of(), result(second));
        assertEquals(Set.of(), result(third));
        assertEquals(Set.of(), result(fourth));
        assertEquals(List.of("a", "a", "b", "c"), List.copyOf(synced));
    }

    @Test
    void shouldTellEachSubmissionOnlyOfItsOwnFailedLogs() throws Exception {
        CompletableFuture<Set<String>> first = submit(List.of("a"));
        await(firstSyncStarted);
        failing = "b";
        CompletableFuture<Set<String>> withB = submit(List.of("a", "b"));
        CompletableFuture<Set<String>> withoutB = submit(List.of("a", "c"));
        CompletableFuture<Set<String>> onlyB = submit(List.of("b"));

        releaseFirstSync.countDown();

        assertEquals(Set.of(), result(first));
        assertEquals(Set.of("b"), result(withB));
        assertEquals(Set.of(), result(withoutB));
        assertEquals(Set.of("b"), result(onlyB));
        assertEquals(List.of("a", "a", "b", "c"), List.copyOf(synced));
    }

    @Test
    void shouldServeWhatWasSubmittedBeforeCloseAndFailWhatCameAfter() throws Exception {
        CompletableFuture<Set<String>> first = submit(List.of("a"));
        await(firstSyncStarted);
        CompletableFuture<Set<String>> beforeClose = submit(List.of("b"));
        stage.close();
        CompletableFuture<Set<String>> afterClose = submit(List.of("c", "d"));
        assertTrue(afterClose.isDone(), "a submission after close is answered at once");
        assertEquals(Set.of("c", "d"), afterClose.get());

        releaseFirstSync.countDown();

        assertEquals(Set.of(), result(first));
        assertEquals(Set.of(), result(beforeClose));
        assertEquals(List.of("a", "b"), List.copyOf(synced));
    }

    private CompletableFuture<Set<String>> submit(List<String> logs) {
        CompletableFuture<Set<String>> done = new CompletableFuture<>();
        Consumer<Set<String>> callback = done::complete;
        stage.submit(logs, callback);
        return done;
    }

    private static Set<String> result(CompletableFuture<Set<String>> f) throws Exception {
        return f.get(10, TimeUnit.SECONDS);
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new AssertionError("timed out waiting for the sync thread");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
