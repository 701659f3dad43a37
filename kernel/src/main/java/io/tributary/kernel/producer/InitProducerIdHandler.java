package io.tributary.kernel.producer;

import io.tributary.kernel.api.ApiHandler;
import io.tributary.kernel.api.ErrorMapping;
import io.tributary.kernel.api.RequestContext;
import io.tributary.protocol.Errors;
import io.tributary.protocol.codec.Message;
import io.tributary.protocol.message.ApiMessageType;
import io.tributary.protocol.message.InitProducerIdRequestData;
import io.tributary.protocol.message.InitProducerIdResponseData;

/**
 * InitProducerId for idempotent producers: a fresh producer id with epoch 0 each time, as Kafka
 * does for requests without a transactional id. Transactional ids need the transaction
 * coordinator, which this broker does not have yet: they are refused with
 * COORDINATOR_NOT_AVAILABLE.
 */
public final class InitProducerIdHandler implements ApiHandler {
    private final ProducerIdManager ids;

    public InitProducerIdHandler(ProducerIdManager ids) {
        this.ids = ids;
    }

    @Override
    public ApiMessageType api() {
        return ApiMessageType.INIT_PRODUCER_ID;
    }

    @Override
    public void handle(RequestContext context, Message message) {
        InitProducerIdRequestData request = (InitProducerIdRequestData) message;
        if (request.transactionalId() != null) {
            context.respond(new InitProducerIdResponseData()
                    .setErrorCode(Errors.COORDINATOR_NOT_AVAILABLE.code())
                    .setProducerId(-1)
                    .setProducerEpoch((short) -1));
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
