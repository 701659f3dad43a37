package io.tributary.kernel.cluster;

import io.tributary.kernel.api.ApiHandler;
import io.tributary.kernel.api.KernelServices;
import io.tributary.kernel.api.RequestContext;
import io.tributary.kernel.partition.Partition;
import io.tributary.protocol.Errors;
import io.tributary.protocol.codec.Message;
import io.tributary.protocol.message.ApiMessageType;
import io.tributary.protocol.message.DescribeLogDirsRequestData;
import io.tributary.protocol.message.DescribeLogDirsResponseData;
import io.tributary.spi.storage.StorageException;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * DescribeLogDirs: each configured log directory (absolute path, total and usable bytes) with the
 * local partitions it holds and their sizes ({@code PartitionLog.sizeInBytes}). With several
 * directories a partition belongs to the one that has its {@code topic-partition} folder (the
 * layout of file-based engines); engines without one report their partitions under the first.
 */
public final class DescribeLogDirsHandler implements ApiHandler {
    private final KernelServices services;

    public DescribeLogDirsHandler(KernelServices services) {
        this.services = services;
    }

    @Override
    public ApiMessageType api() {
        return ApiMessageType.DESCRIBE_LOG_DIRS;
    }

    @Override
    public void handle(RequestContext context, Message message) {
        DescribeLogDirsRequestData request = (DescribeLogDirsRequestData) message;
        Map<String, Set<Integer>> wanted = null;
        if (request.topics() != null) {
            wanted = new HashMap<>();
            for (DescribeLogDirsRequestData.DescribableLogDirTopic t : request.topics()) {
                wanted.computeIfAbsent(t.topic(), k -> new java.util.HashSet<>())
                        .addAll(t.partitions());
            }
        }
        List<Path> dirs =
                services.config().logDirs().stream().map(Path::toAbsolutePath).toList();
        Map<Path, Map<String, List<DescribeLogDirsResponseData.DescribeLogDirsPartition>>> byDir = new HashMap<>();
        for (Path dir : dirs) {
            byDir.put(dir, new TreeMap<>());
        }
        for (Partition p : services.partitions().all()) {
            if (wanted != null && !wanted.getOrDefault(p.topic(), Set.of()).contains(p.index())) {
                continue;
            }
            long size;
            try {
                size = p.log().sizeInBytes();
            } catch (StorageException e) {
                continue;
            }
            byDir.get(dirOf(dirs, p))
                    .computeIfAbsent(p.topic(), t -> new ArrayList<>())
                    .add(new DescribeLogDirsResponseData.DescribeLogDirsPartition()
                            .setPartitionIndex(p.index())
                            .setPartitionSize(size)
                            .setOffsetLag(0)
                            .setIsFutureKey(false));
        }
        DescribeLogDirsResponseData response =
                new DescribeLogDirsResponseData().setThrottleTimeMs(0).setErrorCode(Errors.NONE.code());
        for (Path dir : dirs) {
            DescribeLogDirsResponseData.DescribeLogDirsResult result =
                    new DescribeLogDirsResponseData.DescribeLogDirsResult()
                            .setErrorCode(Errors.NONE.code())
                            .setLogDir(dir.toString())
                            .setTotalBytes(-1)
                            .setUsableBytes(-1);
            try {
                FileStore store = Files.getFileStore(dir);
                result.setTotalBytes(store.getTotalSpace()).setUsableBytes(store.getUsableSpace());
            } catch (IOException e) {
                result.setErrorCode(Errors.KAFKA_STORAGE_ERROR.code());
            }
            byDir.get(dir).forEach((topic, partitions) -> {
                partitions.sort(java.util.Comparator.comparingInt(
                        DescribeLogDirsResponseData.DescribeLogDirsPartition::partitionIndex));
                result.topics()
                        .add(new DescribeLogDirsResponseData.DescribeLogDirsTopic()
                                .setName(topic)
                                .setPartitions(partitions));
            });
            response.results().add(result);
        }
        context.respond(response);
    }

    private static Path dirOf(List<Path> dirs, Partition p) {
        if (dirs.size() > 1) {
            String name = p.topic() + "-" + p.index();
            for (Path dir : dirs) {
                if (Files.isDirectory(dir.resolve(name))) {
                    return dir;
                }
            }
        }
        return dirs.getFirst();
    }
}
