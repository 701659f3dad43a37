package io.tributary.protocol.generator;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** Writes {@code ApiMessageType}: one enum constant per API key, with its versions and header versions. */
public final class ApiMessageTypeGenerator {
    private ApiMessageTypeGenerator() {}

    /** One API: its request and response specs. */
    public record Api(short apiKey, MessageSpec request, MessageSpec response) {
        /** Kafka's display name: the request spec name without "Request" ({@code Produce}). */
        public String displayName() {
            return request.name().substring(0, request.name().length() - "Request".length());
        }

        /** Upper snake case of the display name ({@code LIST_OFFSETS}), as kafka-clients names its constants. */
        public String constantName() {
            StringBuilder b = new StringBuilder();
            String n = displayName();
            for (int i = 0; i < n.length(); i++) {
                char c = n.charAt(i);
                if (Character.isUpperCase(c) && i > 0) {
                    b.append('_');
                }
                b.append(Character.toUpperCase(c));
            }
            return b.toString();
        }
    }

    /** Pairs request and response specs by API key. */
    public static List<Api> apis(List<MessageSpec> specs) {
        Map<Short, MessageSpec> requests = new TreeMap<>();
        Map<Short, MessageSpec> responses = new TreeMap<>();
        for (MessageSpec s : specs) {
            if (!s.isApiMessage()) {
                continue;
            }
            Map<Short, MessageSpec> target = s.type().equals("request") ? requests : responses;
            if (target.put(s.apiKey().orElseThrow(), s) != null) {
                throw new IllegalArgumentException(
                        "Two " + s.type() + " specs for API key " + s.apiKey().get());
            }
        }
        if (!requests.keySet().equals(responses.keySet())) {
            throw new IllegalArgumentException(
                    "Request and response specs do not pair up: " + requests.keySet() + " vs " + responses.keySet());
        }
        return requests.entrySet().stream()
                .map(e -> new Api(e.getKey(), e.getValue(), responses.get(e.getKey())))
                .toList();
    }

    public static String generate(List<MessageSpec> specs, String kafkaVersion) {
        List<Api> apis = apis(specs);
        CodeBuffer out = new CodeBuffer();
        out.line("package %s;", MessageClassGenerator.PACKAGE);
        out.blank();
        out.line("import io.tributary.protocol.codec.Message;");
        out.line("import io.tributary.protocol.codec.UnsupportedVersionException;");
        out.line("import java.util.List;");
        out.line("import java.util.Optional;");
        out.blank();
        out.line("/**");
        out.line(
                " * Every API key of Kafka %s's message specs, with the versions the specs define (unstable ones included),",
                kafkaVersion);
        out.line(
                " * the listeners that serve it and the header versions each API version uses. APIs removed from Kafka");
        out.line(
                " * ({@code \"validVersions\": \"none\"}) are listed with lowest version 0 and highest -1, as kafka-clients");
        out.line(" * does, and have no message classes. Generated; do not edit.");
        out.line(" */");
        out.open("public enum ApiMessageType");
        for (int i = 0; i < apis.size(); i++) {
            Api api = apis.get(i);
            MessageSpec rq = api.request();
            out.line(
                    "%s((short) %d, \"%s\", (short) %d, (short) %d, %s, List.of(%s), (short) %d, (short) %d)%s",
                    api.constantName(),
                    api.apiKey(),
                    api.displayName(),
                    rq.validVersions().lowest(),
                    rq.validVersions().highest(),
                    rq.latestVersionUnstable(),
                    rq.listeners().stream().map(l -> "\"" + l + "\"").collect(Collectors.joining(", ")),
                    firstFlexible(rq),
                    firstFlexible(api.response()),
                    i == apis.size() - 1 ? ";" : ",");
        }
        out.blank();
        short maxKey = apis.getLast().apiKey();
        out.line("private static final ApiMessageType[] BY_API_KEY = new ApiMessageType[%d];", maxKey + 1);
        out.blank();
        out.open("static");
        out.open("for (ApiMessageType type : values())");
        out.line("BY_API_KEY[type.apiKey] = type;");
        out.close();
        out.close();
        out.blank();
        out.line("private final short apiKey;");
        out.line("private final String displayName;");
        out.line("private final short lowestSupportedVersion;");
        out.line("private final short highestSupportedVersion;");
        out.line("private final boolean latestVersionUnstable;");
        out.line("private final List<String> listeners;");
        out.line("/** The first flexible request version, -1 if none. */");
        out.line("private final short requestFlexibleFrom;");
        out.line("/** The first flexible response version, -1 if none. */");
        out.line("private final short responseFlexibleFrom;");
        out.blank();
        out.open(
                "ApiMessageType(short apiKey, String displayName, short lowestSupportedVersion, short highestSupportedVersion, "
                        + "boolean latestVersionUnstable, List<String> listeners, short requestFlexibleFrom, short responseFlexibleFrom)");
        for (String f : List.of(
                "apiKey",
                "displayName",
                "lowestSupportedVersion",
                "highestSupportedVersion",
                "latestVersionUnstable",
                "listeners",
                "requestFlexibleFrom",
                "responseFlexibleFrom")) {
            out.line("this.%s = %s;", f, f);
        }
        out.close();
        out.blank();
        out.line("/** The API key, 0 for Produce. */");
        out.open("public short apiKey()");
        out.line("return apiKey;");
        out.close();
        out.blank();
        out.line(
                "/** Kafka's name of the API ({@code \"Produce\"}); {@link #name()} is the constant's ({@code \"PRODUCE\"}). */");
        out.open("public String displayName()");
        out.line("return displayName;");
        out.close();
        out.blank();
        out.line("/** The lowest version the spec defines (0 for removed APIs). */");
        out.open("public short lowestSupportedVersion()");
        out.line("return lowestSupportedVersion;");
        out.close();
        out.blank();
        out.line("/** The highest version the spec defines, unstable or not (-1 for removed APIs). */");
        out.open("public short highestSupportedVersion()");
        out.line("return highestSupportedVersion;");
        out.close();
        out.blank();
        out.line(
                "/** Whether {@link #highestSupportedVersion()} is still unstable (brokers do not advertise it by default). */");
        out.open("public boolean latestVersionUnstable()");
        out.line("return latestVersionUnstable;");
        out.close();
        out.blank();
        out.line(
                "/** The listener types that serve this API ({@code \"broker\"}, {@code \"controller\"}); empty for removed APIs. */");
        out.open("public List<String> listeners()");
        out.line("return listeners;");
        out.close();
        out.blank();
        out.line("/** Whether {@code version} is between the lowest and highest supported versions. */");
        out.open("public boolean isVersionSupported(short version)");
        out.line("return version >= lowestSupportedVersion && version <= highestSupportedVersion;");
        out.close();
        out.blank();
        out.line("/**");
        out.line(
                " * Whether requests of this version use flexible encodings (compact strings and arrays, tagged fields). Defined");
        out.line(" * for versions newer than the highest too, as flexible versions are open-ended.");
        out.line(" */");
        out.open("public boolean isFlexible(short version)");
        out.line("return requestFlexibleFrom >= 0 && version >= requestFlexibleFrom;");
        out.close();
        out.blank();
        out.line("/**");
        out.line(
                " * The request header version for an API version: 2 for flexible versions, else 1. Defined for versions newer");
        out.line(
                " * than the highest too, so that a broker can read the header of a request it will refuse (KIP-511).");
        out.line(" */");
        out.open("public short requestHeaderVersion(short apiVersion)");
        out.line("checkHasVersions();");
        out.line("return isFlexible(apiVersion) ? (short) 2 : (short) 1;");
        out.close();
        out.blank();
        out.line(
                "/** The response header version for an API version: 1 for flexible versions, else 0; always 0 for ApiVersions (KIP-511). */");
        out.open("public short responseHeaderVersion(short apiVersion)");
        out.line("checkHasVersions();");
        out.open("if (this == API_VERSIONS)");
        out.line("return 0;");
        out.close();
        out.line("return responseFlexibleFrom >= 0 && apiVersion >= responseFlexibleFrom ? (short) 1 : (short) 0;");
        out.close();
        out.blank();
        for (String kind : List.of("request", "response")) {
            String method = "new" + Character.toUpperCase(kind.charAt(0)) + kind.substring(1);
            out.line("/**");
            out.line(" * A new %s message of this API with default values.", kind);
            out.line(" *");
            out.line(" * @throws UnsupportedVersionException for an API removed from Kafka (no valid versions)");
            out.line(" */");
            out.open("public Message %s()", method);
            out.open("return switch (this)");
            StringBuilder removed = new StringBuilder();
            for (Api api : apis) {
                MessageSpec s = kind.equals("request") ? api.request() : api.response();
                if (s.validVersions().isEmpty()) {
                    removed.append(removed.isEmpty() ? "" : ", ").append(api.constantName());
                } else {
                    out.line("case %s -> new %s();", api.constantName(), s.className());
                }
            }
            if (!removed.isEmpty()) {
                out.line("case %s ->", removed);
                out.line(
                        "    throw new UnsupportedVersionException(\"API \" + displayName + \" (key \" + apiKey + \") has no versions\");");
            }
            out.close("};");
            out.close();
            out.blank();
        }
        out.open("private void checkHasVersions()");
        out.open("if (highestSupportedVersion < 0)");
        out.line(
                "throw new UnsupportedVersionException(\"API \" + displayName + \" (key \" + apiKey + \") has no versions\");");
        out.close();
        out.close();
        out.blank();
        out.line("/** The API with this key, if the specs define one. */");
        out.open("public static Optional<ApiMessageType> fromApiKey(short apiKey)");
        out.line(
                "return apiKey >= 0 && apiKey < BY_API_KEY.length ? Optional.ofNullable(BY_API_KEY[apiKey]) : Optional.empty();");
        out.close();
        out.blank();
        out.line("/**");
        out.line(" * The API with this key.");
        out.line(" *");
        out.line(" * @throws UnsupportedVersionException if the specs define no API with this key");
        out.line(" */");
        out.open("public static ApiMessageType forApiKey(short apiKey)");
        out.line("ApiMessageType type = apiKey >= 0 && apiKey < BY_API_KEY.length ? BY_API_KEY[apiKey] : null;");
        out.open("if (type == null)");
        out.line("throw new UnsupportedVersionException(\"Unknown API key \" + apiKey);");
        out.close();
        out.line("return type;");
        out.close();
        out.close();
        return out.toString();
    }

    private static short firstFlexible(MessageSpec s) {
        return s.flexibleVersions().isEmpty() ? -1 : s.flexibleVersions().lowest();
    }
}
