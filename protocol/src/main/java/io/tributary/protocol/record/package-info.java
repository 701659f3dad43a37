/** Kafka record batches (magic 2). */
package io.tributary.protocol.record;
