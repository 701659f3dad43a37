"""confluent-kafka (Debian's python3-confluent-kafka, on librdkafka) against a Tributary broker:
create a topic with the AdminClient, read metadata, produce to a partition, consume it with
assign(), and delete the topic. Prints one "OK <step>" line per step; exits 1 on failure."""
import sys

from confluent_kafka import Consumer, KafkaError, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

bootstrap, topic = sys.argv[1], sys.argv[2]

admin = AdminClient({"bootstrap.servers": bootstrap})
for future in admin.create_topics([NewTopic(topic, num_partitions=2, replication_factor=1)]).values():
    future.result(timeout=30)
print("OK create")

metadata = admin.list_topics(topic=topic, timeout=10)
partitions = metadata.topics[topic].partitions
if sorted(partitions) != [0, 1] or any(p.leader != 1 for p in partitions.values()):
    raise SystemExit("metadata %s" % partitions)
if list(metadata.brokers) != [1]:
    raise SystemExit("brokers %s" % metadata.brokers)
print("OK metadata")

errors = []
producer = Producer({"bootstrap.servers": bootstrap, "enable.idempotence": True})
for i in range(4):
    producer.produce(topic, key=b"k%d" % i, value=b"v%d" % i, partition=0,
                     on_delivery=lambda err, msg: errors.append(err) if err else None)
if producer.flush(30) != 0 or errors:
    raise SystemExit("produce failed: %s" % errors)
print("OK produce")

consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "unused-with-assign",
                     "enable.auto.commit": False, "enable.partition.eof": True})
consumer.assign([TopicPartition(topic, 0, 0)])
read = []
while True:
    message = consumer.poll(10)
    if message is None:
        raise SystemExit("timed out after %s" % read)
    if message.error():
        if message.error().code() == KafkaError._PARTITION_EOF:
            break
        raise SystemExit("consume error %s" % message.error())
    read.append("%d:%s=%s" % (message.offset(), message.key().decode(), message.value().decode()))
low, high = consumer.get_watermark_offsets(TopicPartition(topic, 0), timeout=10)
consumer.close()
expected = ["%d:k%d=v%d" % (i, i, i) for i in range(4)]
if read != expected or (low, high) != (0, 4):
    raise SystemExit("read %s, watermarks %s" % (read, (low, high)))
print("OK consume " + ",".join(read))

for future in admin.delete_topics([topic]).values():
    future.result(timeout=30)
if topic in admin.list_topics(timeout=10).topics:
    raise SystemExit("topic still listed after delete")
print("OK delete")
