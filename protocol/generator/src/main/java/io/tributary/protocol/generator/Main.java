package io.tributary.protocol.generator;

public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.out.println("generator placeholder");
    }
}
