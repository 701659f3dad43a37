// kafkajs 2.x against a Tributary broker: create a topic, read its metadata, produce keyed
// messages to a chosen partition, read that partition back (kafkajs has no assign(): its consumer
// always joins a group, so the partition is fetched with kafkajs's own cluster and Fetch code),
// list offsets, and delete the topic. Prints one "OK <step>" line per step; exits 1 on failure.
'use strict'
const { Kafka, logLevel } = require('kafkajs')

const [bootstrap, topic] = process.argv.slice(2)
const kafka = new Kafka({ clientId: 'tributary-kafkajs-test', brokers: [bootstrap], logLevel: logLevel.ERROR })

function check(condition, message) {
  if (!condition) {
    throw new Error('Check failed: ' + message)
  }
}

async function main() {
  const admin = kafka.admin()
  await admin.connect()
  const created = await admin.createTopics({ topics: [{ topic, numPartitions: 2, replicationFactor: 1 }], waitForLeaders: true })
  check(created === true, 'createTopics returned ' + created)
  console.log('OK create')

  const metadata = await admin.fetchTopicMetadata({ topics: [topic] })
  const partitions = metadata.topics[0].partitions.map(p => [p.partitionId, p.leader]).sort()
  check(JSON.stringify(partitions) === JSON.stringify([[0, 1], [1, 1]]), 'partitions ' + JSON.stringify(partitions))
  const listed = await admin.listTopics()
  check(listed.includes(topic), 'listTopics ' + JSON.stringify(listed))
  const cluster = await admin.describeCluster()
  check(cluster.brokers.length === 1 && cluster.brokers[0].nodeId === 1, 'describeCluster ' + JSON.stringify(cluster))
  console.log('OK metadata')

  const producer = kafka.producer()
  await producer.connect()
  const sent = await producer.send({
    topic,
    messages: [
      { key: 'k1', value: 'v1', partition: 1 },
      { key: 'k2', value: 'v2', partition: 1 },
      { key: 'k3', value: 'v3', partition: 1 },
    ],
  })
  check(sent[0].errorCode === 0 && sent[0].partition === 1, 'send ' + JSON.stringify(sent))
  await producer.disconnect()
  console.log('OK produce')

  const offsets = await admin.fetchTopicOffsets(topic)
  const p1 = offsets.find(o => o.partition === 1)
  check(p1.offset === '3' && p1.low === '0', 'offsets ' + JSON.stringify(offsets))
  console.log('OK offsets')

  const createCluster = kafka[Object.getOwnPropertySymbols(kafka).find(s => s.description === 'private:Kafka:createCluster')]
  const direct = createCluster({ allowAutoTopicCreation: false })
  await direct.connect()
  await direct.addTargetTopic(topic)
  const leaders = direct.findLeaderForPartitions(topic, [1])
  const broker = await direct.findBroker({ nodeId: Object.keys(leaders)[0] })
  const fetched = await broker.fetch({
    replicaId: -1,
    isolationLevel: 1,
    maxWaitTime: 500,
    minBytes: 1,
    maxBytes: 1048576,
    topics: [{ topic, partitions: [{ partition: 1, fetchOffset: '0', maxBytes: 1048576 }] }],
  })
  const messages = fetched.responses[0].partitions[0].messages
  const read = messages.map(m => `${m.offset}:${m.key}=${m.value}`).join(',')
  check(read === '0:k1=v1,1:k2=v2,2:k3=v3', 'fetched ' + read)
  await direct.disconnect()
  console.log('OK consume ' + read)

  await admin.deleteTopics({ topics: [topic] })
  const after = await admin.listTopics()
  check(!after.includes(topic), 'after delete ' + JSON.stringify(after))
  console.log('OK delete')
  await admin.disconnect()
}

main().then(
  () => process.exit(0),
  e => {
    console.error(e && e.stack ? e.stack : e)
    process.exit(1)
  })
