package dev.aeon.bench.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link WriteCommands}: the command lines the server benches send, as the server reads them. */
class WriteCommandsTest {

  @Test
  void aVectorsFirstComponentIsDrawnPerRequestAndTheWritesCarryIt() {
    List<String> vector = WriteCommands.values(4, "1.__rand_int__");
    assertEquals(List.of("VALUES", "4", "1.__rand_int__", "1", "2", "3"), vector);
    assertEquals(List.of("MEM.ADD", "bench-session", "user", "an event", "VECTOR", "VALUES", "4", "1.__rand_int__",
        "1", "2", "3"), WriteCommands.memAdd("an event", vector));
    assertEquals(List.of("VADD", "bench:one", "VALUES", "4", "1.__rand_int__", "1", "2", "3", "e__rand_int__"),
        WriteCommands.vadd("bench:one", vector));
  }
}
