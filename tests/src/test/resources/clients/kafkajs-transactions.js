// kafkajs 2.x transactions against a Tributary broker: a transactional producer commits a
// transaction, aborts one, and commits one with consumer offsets (sendOffsets); a read_committed
// kafkajs consumer then sees the committed records only, and the group's offset is the one sent
// in the committed transaction. Prints one "OK <step>" line per step; exits 1 on failure.
'use strict'
const { Kafka, logLevel } = require('kafkajs')

const [bootstrap, topic] = process.argv.slice(2)
const kafka = new Kafka({ clientId: 'tributary-kafkajs-txn', brokers: [bootstrap], logLevel: logLevel.ERROR })

function check(condition, message) {
  if (!condition) {
    throw new Error('Check failed: ' + message)
  }
}

async function main() {
  const admin = kafka.admin()
  await admin.connect()
  await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true })

  const producer = kafka.producer({ transactionalId: 'kafkajs-txn', idempotent: true, maxInFlightRequests: 1 })
  await producer.connect()

  let txn = await producer.transaction()
  await txn.send({ topic, messages: [{ key: 'a', value: 'committed-1' }, { key: 'b', value: 'committed-2' }] })
  await txn.commit()
  console.log('OK commit')

  txn = await producer.transaction()
  await txn.send({ topic, messages: [{ key: 'c', value: 'aborted-1' }, { key: 'd', value: 'aborted-2' }] })
  await txn.abort()
  console.log('OK abort')

  txn = await producer.transaction()
  await txn.send({ topic, messages: [{ key: 'e', value: 'committed-3' }] })
  await txn.sendOffsets({
    consumerGroupId: 'kafkajs-txn-group',
    topics: [{ topic, partitions: [{ partition: 0, offset: '7' }] }],
  })
  await txn.commit()
  console.log('OK offsets')
  await producer.disconnect()

  const consumer = kafka.consumer({ groupId: 'kafkajs-txn-reader', readUncommitted: false })
  await consumer.connect()
  await consumer.subscribe({ topic, fromBeginning: true })
  const seen = []
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('read ' + JSON.stringify(seen))), 60000)
    consumer.run({
      eachMessage: async ({ message }) => {
        seen.push(message.value.toString())
        if (seen.length >= 3) {
          clearTimeout(timer)
          resolve()
        }
      },
    })
  })
  await consumer.disconnect()
  check(JSON.stringify(seen) === JSON.stringify(['committed-1', 'committed-2', 'committed-3']), 'read ' + JSON.stringify(seen))
  console.log('OK read_committed ' + seen.join(','))

  const offsets = await admin.fetchOffsets({ groupId: 'kafkajs-txn-group', topics: [topic] })
  const p0 = offsets[0].partitions.find(p => p.partition === 0)
  check(p0.offset === '7', 'offsets ' + JSON.stringify(offsets))
  console.log('OK committed offset 7')
  await admin.disconnect()
}

main().then(
  () => process.exit(0),
  e => {
    console.error(e && e.stack ? e.stack : e)
    process.exit(1)
  })
