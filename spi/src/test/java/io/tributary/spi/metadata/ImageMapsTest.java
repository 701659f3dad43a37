package io.tributary.spi.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ImageMapsTest {
    @Test
    void shouldCopyIntoOneClassWhateverTheSize() {
        Map<Integer, String> none = ImageMaps.copyOf(Map.of());
        Map<Integer, String> one = ImageMaps.copyOf(Map.of(0, "a"));
        Map<Integer, String> six = ImageMaps.copyOf(Map.of(0, "a", 1, "b", 2, "c", 3, "d", 4, "e", 5, "f"));

        assertEquals(none.getClass(), one.getClass());
        assertEquals(one.getClass(), six.getClass());
        assertEquals(Map.of(0, "a"), one);
        assertEquals(6, six.size());
        assertEquals("f", six.get(5));
    }

    @Test
    void shouldBeACopyThatCannotBeChanged() {
        Map<Integer, String> source = new HashMap<>(Map.of(0, "a"));
        Map<Integer, String> copy = ImageMaps.copyOf(source);
        source.put(1, "b");

        assertEquals(Map.of(0, "a"), copy);
        assertThrows(UnsupportedOperationException.class, () -> copy.put(2, "c"));
    }

    @Test
    void shouldRejectNullKeysAndValuesAsMapCopyOfDid() {
        Map<Integer, String> nullValue = new HashMap<>();
        nullValue.put(0, null);
        Map<Integer, String> nullKey = new HashMap<>();
        nullKey.put(null, "a");

        assertThrows(NullPointerException.class, () -> ImageMaps.copyOf(nullValue));
        assertThrows(NullPointerException.class, () -> ImageMaps.copyOf(nullKey));
    }

    @Test
    void shouldGiveTopicAndMetadataImagesTheSameMapClassForAnyTopicCount() {
        TopicImage one = new TopicImage("one", UUID.randomUUID(), Map.of(0, partition(0)));
        TopicImage three =
                new TopicImage("three", UUID.randomUUID(), Map.of(0, partition(0), 1, partition(1), 2, partition(2)));
        MetadataImage single = image(Map.of("one", one));
        MetadataImage both = image(Map.of("one", one, "three", three));

        assertEquals(one.partitions().getClass(), three.partitions().getClass());
        assertEquals(single.topicsByName().getClass(), both.topicsByName().getClass());
        assertEquals(single.topicsById().getClass(), both.topicsById().getClass());
        assertEquals(three, both.topic("three").orElseThrow());
        assertEquals(one, both.topic(one.id()).orElseThrow());
    }

    private static MetadataImage image(Map<String, TopicImage> topics) {
        Map<UUID, TopicImage> byId = new HashMap<>();
        topics.values().forEach(t -> byId.put(t.id(), t));
        return new MetadataImage(0, Map.of(), topics, byId, Map.of(), 0);
    }

    private static PartitionImage partition(int index) {
        return new PartitionImage(index, List.of(1), List.of(1), 1, 0, 0);
    }
}
