package dev.vbatch.emulator;

import com.google.longrunning.CancelOperationRequest;
import com.google.longrunning.DeleteOperationRequest;
import com.google.longrunning.GetOperationRequest;
import com.google.longrunning.ListOperationsRequest;
import com.google.longrunning.ListOperationsResponse;
import com.google.longrunning.Operation;
import com.google.longrunning.OperationsGrpc;
import com.google.longrunning.WaitOperationRequest;
import com.google.protobuf.Empty;
import dev.vbatch.util.AtomicFiles;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * google.longrunning.Operations as Vertex serves it beside JobService: the operations that deletes
 * return ({@code projects/P/locations/L/operations/N}), kept in the data directory so that a client
 * polling from another process finds them.
 */
final class EmulatorOperations extends OperationsGrpc.OperationsImplBase {
  private final Path dir;

  EmulatorOperations(Path dataDir) throws IOException {
    this.dir = dataDir.resolve("operations");
    Files.createDirectories(dir);
  }

  String nextId() {
    return String.valueOf(ThreadLocalRandom.current().nextLong(1_000_000_000_000_000_000L, Long.MAX_VALUE));
  }

  Operation record(Operation op) throws IOException {
    AtomicFiles.write(file(op.getName()), op::writeTo, false);
    return op;
  }

  private Path file(String name) {
    return dir.resolve(name.replace('/', '_') + ".pb");
  }

  private Operation find(String name) {
    Path f = file(name);
    if (!name.matches("projects/[^/]+/locations/[^/]+/operations/[0-9]+") || !Files.exists(f)) {
      throw Status.NOT_FOUND.withDescription("Operation " + name + " not found.").asRuntimeException();
    }
    try {
      return Operation.parseFrom(Files.readAllBytes(f));
    } catch (IOException e) {
      throw Status.NOT_FOUND.withDescription("Operation " + name + " not found.").asRuntimeException();
    }
  }

  private static <T> void answer(StreamObserver<T> observer, java.util.function.Supplier<T> call) {
    try {
      observer.onNext(call.get());
      observer.onCompleted();
    } catch (StatusRuntimeException e) {
      observer.onError(e);
    } catch (RuntimeException e) {
      observer.onError(Status.INTERNAL.withDescription("emulator: " + e.getMessage()).asRuntimeException());
    }
  }

  @Override
  public void getOperation(GetOperationRequest request, StreamObserver<Operation> observer) {
    answer(observer, () -> find(request.getName()));
  }

  @Override
  public void waitOperation(WaitOperationRequest request, StreamObserver<Operation> observer) {
    answer(observer, () -> find(request.getName()));
  }

  @Override
  public void listOperations(ListOperationsRequest request, StreamObserver<ListOperationsResponse> observer) {
    answer(observer, () -> {
      String prefix = request.getName().replace('/', '_') + "_operations_";
      List<Operation> ops = new ArrayList<>();
      try (Stream<Path> files = Files.list(dir)) {
        files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(prefix)).sorted()
            .forEach(n -> ops.add(find(request.getName() + "/operations/" + n.substring(prefix.length(), n.length() - 3))));
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      return ListOperationsResponse.newBuilder().addAllOperations(ops).build();
    });
  }

  @Override
  public void deleteOperation(DeleteOperationRequest request, StreamObserver<Empty> observer) {
    answer(observer, () -> {
      find(request.getName());
      try {
        Files.deleteIfExists(file(request.getName()));
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      return Empty.getDefaultInstance();
    });
  }

  @Override
  public void cancelOperation(CancelOperationRequest request, StreamObserver<Empty> observer) {
    // Every operation here is done already; cancelling a done operation has no effect.
    answer(observer, () -> {
      find(request.getName());
      return Empty.getDefaultInstance();
    });
  }

}
