"""A kafka-python KafkaConsumer in a group (group_id), driven by the tests over stdin/stdout.

Usage: group_consumer_kafka_python.py BOOTSTRAP GROUP TOPIC
Reads commands from stdin, one a line: "commit" commits the positions of the records it consumed
(synchronously), "close" leaves the group and exits (as does the end of stdin). Prints one line
per event: "assigned <p,p,...>" with the whole assignment after each change, "record <partition>
<offset> <key> <value>", "committed", "closed"."""
import sys

from kafka import ConsumerRebalanceListener, KafkaConsumer

from group_member_io import Commands, emit

bootstrap, group, topic = sys.argv[1], sys.argv[2], sys.argv[3]

commands = Commands()

assigned = set()


class Listener(ConsumerRebalanceListener):
    def on_partitions_revoked(self, revoked):
        assigned.difference_update(tp.partition for tp in revoked)
        emit("assigned " + ",".join(str(p) for p in sorted(assigned)))

    def on_partitions_assigned(self, newly_assigned):
        assigned.update(tp.partition for tp in newly_assigned)
        emit("assigned " + ",".join(str(p) for p in sorted(assigned)))


consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=group, client_id="kafka-python-group-test",
                         enable_auto_commit=False, auto_offset_reset="earliest",
                         session_timeout_ms=6000, heartbeat_interval_ms=250, metadata_max_age_ms=1000)
consumer.subscribe(topics=[topic], listener=Listener())
while True:
    command = commands.next()
    if command == "commit":
        # The consumed positions of the assigned partitions, synchronously.
        consumer.commit()
        emit("committed")
    elif command == "close":
        consumer.close(autocommit=False)
        emit("closed")
        break
    for records in consumer.poll(timeout_ms=100).values():
        for r in records:
            emit("record %d %d %s %s" % (r.partition, r.offset, r.key.decode(), r.value.decode()))
