// A kafkajs 2.x consumer in a group, driven by the tests over stdin/stdout.
//
// Usage: node group-consumer-kafkajs.js BOOTSTRAP GROUP TOPIC [ASSIGNER]
// ASSIGNER is "kafkajs" (kafkajs's own RoundRobinAssigner, the default) or "roundrobin": a
// round-robin assigner under the name the Java client and librdkafka use, which a group mixing
// kafkajs with those clients needs (the coordinator only picks a protocol every member names).
// Reads commands from stdin, one a line: "commit" commits the positions of the records it
// consumed, "close" leaves the group and exits (as does the end of stdin). Prints one line per
// event: "assigned <p,p,...>" with the whole assignment after each join, "record <partition>
// <offset> <key> <value>", "committed", "closed".
'use strict'
const readline = require('readline')
const { Kafka, logLevel, PartitionAssigners, AssignerProtocol } = require('kafkajs')

const [bootstrap, groupId, topic, assigner = 'kafkajs'] = process.argv.slice(2)
const kafka = new Kafka({ clientId: 'kafkajs-group-test', brokers: [bootstrap], logLevel: logLevel.ERROR })

// Round robin over the sorted member ids, in Kafka's consumer protocol encoding (version 0).
const NamedRoundRobin = ({ cluster }) => ({
  name: 'roundrobin',
  version: 0,
  async assign({ members, topics }) {
    const ids = members.map(m => m.memberId).sort()
    const plan = Object.fromEntries(ids.map(id => [id, {}]))
    let next = 0
    for (const t of [...topics].sort()) {
      const partitions = cluster.findTopicPartitionMetadata(t).map(p => p.partitionId).sort((a, b) => a - b)
      for (const p of partitions) {
        const id = ids[next++ % ids.length]
        ;(plan[id][t] = plan[id][t] || []).push(p)
      }
    }
    return ids.map(memberId => ({
      memberId,
      memberAssignment: AssignerProtocol.MemberAssignment.encode({ version: 0, assignment: plan[memberId] }),
    }))
  },
  protocol({ topics }) {
    return { name: 'roundrobin', metadata: AssignerProtocol.MemberMetadata.encode({ version: 0, topics }) }
  },
})

const consumer = kafka.consumer({
  groupId,
  sessionTimeout: 6000,
  rebalanceTimeout: 10000,
  heartbeatInterval: 250,
  maxWaitTimeInMs: 100,
  metadataMaxAge: 1000,
  partitionAssigners: [assigner === 'roundrobin' ? NamedRoundRobin : PartitionAssigners.roundRobin],
})
const positions = new Map()
let assigned = []

consumer.on(consumer.events.GROUP_JOIN, event => {
  assigned = (event.payload.memberAssignment[topic] || []).slice().sort((a, b) => a - b)
  for (const p of [...positions.keys()]) {
    if (!assigned.includes(p)) positions.delete(p)
  }
  console.log('assigned ' + assigned.join(','))
})

let closing = false
async function close() {
  if (closing) return
  closing = true
  await consumer.disconnect()
  console.log('closed')
  process.exit(0)
}

async function main() {
  await consumer.connect()
  await consumer.subscribe({ topics: [topic], fromBeginning: true })
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ partition, message }) => {
      positions.set(partition, BigInt(message.offset) + 1n)
      console.log(`record ${partition} ${message.offset} ${message.key.toString()} ${message.value.toString()}`)
    },
  })
  const commands = readline.createInterface({ input: process.stdin })
  commands.on('line', async line => {
    const command = line.trim()
    if (command === 'commit') {
      const offsets = [...positions.entries()].map(([partition, offset]) => ({ topic, partition, offset: offset.toString() }))
      if (offsets.length > 0) await consumer.commitOffsets(offsets)
      console.log('committed')
    } else if (command === 'close') {
      await close()
    }
  })
  commands.on('close', () => close())
}

main().catch(e => {
  console.error(e)
  process.exit(1)
})
