package io.tributary.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Optional;
import org.apache.kafka.common.errors.RetriableException;
import org.junit.jupiter.api.Test;

/** Our error codes against kafka-clients' Errors. */
class ErrorsTest {

    @Test
    void shouldHaveExactlyKafkasCodesAndNames() {
        assertEquals(
                Arrays.stream(org.apache.kafka.common.protocol.Errors.values())
                        .map(e -> e.code() + " " + e.name())
                        .toList(),
                Arrays.stream(Errors.values())
                        .map(e -> e.code() + " " + e.name())
                        .toList());
    }

    @Test
    void shouldMarkTheSameErrorsRetriableAsKafka() {
        for (var kafka : org.apache.kafka.common.protocol.Errors.values()) {
            assertEquals(
                    kafka.exception() instanceof RetriableException,
                    Errors.valueOf(kafka.name()).isRetriable(),
                    kafka.name());
        }
    }

    @Test
    void shouldFindEveryErrorByItsCode() {
        for (Errors e : Errors.values()) {
            assertEquals(e, Errors.forCode(e.code()));
            assertEquals(Optional.of(e), Errors.fromCode(e.code()));
        }
    }

    @Test
    void shouldMapUnknownCodesToUnknownServerErrorAsKafkaDoes() {
        assertEquals(Errors.UNKNOWN_SERVER_ERROR, Errors.forCode((short) 9999));
        assertEquals(Errors.UNKNOWN_SERVER_ERROR, Errors.forCode((short) -2));
        assertEquals(Optional.empty(), Errors.fromCode((short) 9999));
        assertEquals(
                org.apache.kafka.common.protocol.Errors.forCode((short) 9999).name(),
                Errors.forCode((short) 9999).name());
    }

    @Test
    void shouldKeepKnownCodes() {
        assertEquals(35, Errors.UNSUPPORTED_VERSION.code());
        assertEquals(0, Errors.NONE.code());
        assertEquals(-1, Errors.UNKNOWN_SERVER_ERROR.code());
    }
}
