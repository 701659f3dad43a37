package io.tributary.spi.metadata;

/** A range of producer ids reserved for one broker: {@code [firstProducerId, firstProducerId + size)}. */
public record ProducerIdBlock(int brokerId, long firstProducerId, int size) {
    public long nextBlockFirstId() {
        return firstProducerId + size;
    }
}
