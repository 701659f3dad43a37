package io.tributary.spi.auth;

/** An authenticated identity, as Kafka writes it: {@code type:name}, e.g. {@code User:alice}. */
public record Principal(String type, String name) {
    public static final Principal ANONYMOUS = new Principal("User", "ANONYMOUS");

    @Override
    public String toString() {
        return type + ":" + name;
    }
}
