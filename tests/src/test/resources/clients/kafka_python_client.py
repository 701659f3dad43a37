"""kafka-python (Debian's python3-kafka) against a Tributary broker: guess the broker version
from ApiVersions, create a topic, read metadata, produce to a partition, consume it with
assign(), and delete the topic. Prints one "OK <step>" line per step; exits 1 on failure."""
import sys

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import NewTopic
from kafka.client_async import KafkaClient

bootstrap, topic = sys.argv[1], sys.argv[2]

client = KafkaClient(bootstrap_servers=bootstrap)
version = client.check_version(timeout=10)
client.close()
if version < (2, 0) or version >= (5, 0):
    raise SystemExit("unexpected broker version guess %s" % (version,))
print("OK version %s" % ".".join(map(str, version)))

admin = KafkaAdminClient(bootstrap_servers=bootstrap, client_id="tributary-kafka-python-test")
admin.create_topics([NewTopic(name=topic, num_partitions=2, replication_factor=1)])
print("OK create")

consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, group_id=None,
                         consumer_timeout_ms=10000, auto_offset_reset="earliest")
partitions = consumer.partitions_for_topic(topic)
if partitions != {0, 1}:
    raise SystemExit("partitions %s" % (partitions,))
if topic not in consumer.topics():
    raise SystemExit("topic not listed")
print("OK metadata")

producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all")
for i in range(5):
    producer.send(topic, key=b"k%d" % i, value=b"v%d" % i, partition=1).get(timeout=10)
producer.close()
print("OK produce")

tp = TopicPartition(topic, 1)
consumer.assign([tp])
consumer.seek_to_beginning(tp)
read = []
for message in consumer:
    read.append("%d:%s=%s" % (message.offset, message.key.decode(), message.value.decode()))
    if len(read) == 5:
        break
expected = ["%d:k%d=v%d" % (i, i, i) for i in range(5)]
if read != expected:
    raise SystemExit("read %s" % read)
end = consumer.end_offsets([tp])[tp]
if end != 5:
    raise SystemExit("end offset %s" % end)
consumer.close()
print("OK consume " + ",".join(read))

admin.delete_topics([topic])
if topic in admin.list_topics():
    raise SystemExit("topic still listed after delete")
admin.close()
print("OK delete")
