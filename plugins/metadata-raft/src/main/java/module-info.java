/**
 * Cluster metadata kept in a versioned metadata log of Tributary's own format, structured as a
 * Raft log with a commit step; a quorum of one (the local voter) is the embedded single-node
 * default. Exports nothing: the kernel reaches it only through the metadata SPI.
 */
module io.tributary.metadata.raft {
    requires io.tributary.spi;
    requires org.slf4j;

    provides io.tributary.spi.metadata.MetadataProvider with
            io.tributary.metadata.raft.RaftMetadataProvider;
}
