package io.tributary.kernel.producer;

import io.tributary.kernel.api.ApiHandler;
import io.tributary.kernel.api.ErrorMapping;
import io.tributary.kernel.api.RequestContext;
import io.tributary.kernel.txn.TransactionCoordinator;
import io.tributary.protocol.Errors;
import io.tributary.protocol.codec.Message;
import io.tributary.protocol.message.ApiMessageType;
import io.tributary.protocol.message.InitProducerIdRequestData;
import io.tributary.protocol.message.InitProducerIdResponseData;

/**
 * InitProducerId v0-5. Without a transactional id: a fresh producer id with epoch 0 each time, as
 * Kafka does for idempotent producers. With one: the transaction coordinator's answer (a new
 * producer id or a bumped epoch, fencing the previous incarnation). PRODUCER_FENCED is answered as
 * INVALID_PRODUCER_EPOCH before v4, which predates it (KIP-588), as Kafka does.
 *
 * <p>Runs on the handler thread; answers from the metadata store's thread for a new id block.
 */
public final class InitProducerIdHandler implements ApiHandler {
    private final ProducerIdManager ids;
    private final TransactionCoordinator transactions;

    public InitProducerIdHandler(ProducerIdManager ids, TransactionCoordinator transactions) {
        this.ids = ids;
        this.transactions = transactions;
    }

    @Override
    public ApiMessageType api() {
        return ApiMessageType.INIT_PRODUCER_ID;
    }

    @Override
    public void handle(RequestContext context, Message message) {
        InitProducerIdRequestData request = (InitProducerIdRequestData) message;
        short version = context.apiVersion();
        if (request.transactionalId() != null) {
            transactions.initProducerId(
                    request.transactionalId(),
                    request.transactionTimeoutMs(),
                    version >= 3 ? request.producerId() : -1,
                    version >= 3 ? request.producerEpoch() : -1,
                    result -> {
                        Errors error = result.error();
                        if (error == Errors.PRODUCER_FENCED && version < 4) {
                            error = Errors.INVALID_PRODUCER_EPOCH;
                        }
                        context.respond(new InitProducerIdResponseData()
                                .setThrottleTimeMs(0)
                                .setErrorCode(error.code())
                                .setProducerId(result.producerId())
                                .setProducerEpoch(result.producerEpoch()));
                    });
            return;
        }
        ids.nextProducerId().whenComplete((id, failure) -> {
            InitProducerIdResponseData response = new InitProducerIdResponseData().setThrottleTimeMs(0);
            if (failure != null) {
                response.setErrorCode(ErrorMapping.of(failure).code())
                        .setProducerId(-1)
                        .setProducerEpoch((short) -1);
            } else {
                response.setErrorCode(Errors.NONE.code()).setProducerId(id).setProducerEpoch((short) 0);
            }
            context.respond(response);
        });
    }
}
