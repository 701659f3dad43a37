"""A confluent-kafka (librdkafka) consumer in a group, driven by the tests over stdin/stdout.

Usage: group_consumer_confluent.py BOOTSTRAP GROUP TOPIC [EXTRA_CONFIG_JSON]
Reads commands from stdin, one a line: "commit" commits the positions of the records it consumed
(synchronously), "close" leaves the group and exits (as does the end of stdin). Prints one line
per event: "assigned <p,p,...>" with the whole assignment after each change, "record <partition>
<offset> <key> <value>", "committed", "closed", "error <message>"."""
import json
import sys

from confluent_kafka import Consumer, TopicPartition

from group_member_io import Commands, emit

bootstrap, group, topic = sys.argv[1], sys.argv[2], sys.argv[3]
extra = json.loads(sys.argv[4]) if len(sys.argv) > 4 else {}

commands = Commands()

assigned = set()
positions = {}


def show_assignment():
    emit("assigned " + ",".join(str(p) for p in sorted(assigned)))


def on_assign(consumer, partitions):
    assigned.update(tp.partition for tp in partitions)
    show_assignment()


def on_revoke(consumer, partitions):
    assigned.difference_update(tp.partition for tp in partitions)
    for tp in partitions:
        positions.pop(tp.partition, None)
    show_assignment()


config = {
    "bootstrap.servers": bootstrap,
    "group.id": group,
    "client.id": "confluent-group-test",
    "enable.auto.commit": False,
    "auto.offset.reset": "earliest",
    "session.timeout.ms": 6000,
    "heartbeat.interval.ms": 250,
    "topic.metadata.refresh.interval.ms": 1000,
}
config.update(extra)
consumer = Consumer(config)
consumer.subscribe([topic], on_assign=on_assign, on_revoke=on_revoke)
while True:
    command = commands.next()
    if command == "commit":
        offsets = [TopicPartition(topic, p, o) for p, o in sorted(positions.items())]
        if offsets:
            consumer.commit(offsets=offsets, asynchronous=False)
        emit("committed")
    elif command == "close":
        consumer.close()
        emit("closed")
        break
    message = consumer.poll(0.1)
    if message is None:
        continue
    if message.error():
        emit("error " + str(message.error()))
        continue
    positions[message.partition()] = message.offset() + 1
    emit("record %d %d %s %s" % (message.partition(), message.offset(), message.key().decode(),
                                 message.value().decode()))
