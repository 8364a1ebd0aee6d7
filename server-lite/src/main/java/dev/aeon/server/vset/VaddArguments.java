package dev.aeon.server.vset;

import dev.aeon.server.ServerContext;
import dev.aeon.server.command.Args;
import dev.aeon.common.AsciiCase;
import dev.aeon.server.command.CommandError;
import dev.aeon.server.command.VectorInput;
import dev.aeon.server.vset.StoredVector.Quantization;

/**
 * VADD's arguments, read whole and nothing embedded yet: key [REDUCE dim] (FP32 blob | VALUES n v... | TEXT text)
 * element [CAS] [NOQUANT|Q8|BIN] [EF n] [SETATTR json] [M n]. The one reading of VADD's grammar, for the command and
 * for its light check ({@link VectorSetCommands#vaddIfLight}), which asks it whether the command would embed and
 * hands it to the command it runs on the connection's thread: an option added here is known to both, and a malformed
 * command fails here for both (the check then leaves it to the pool, which says what is wrong).
 *
 * @param quantization the one asked (NOQUANT or Q8; the last given wins), or null for the set's own or the default
 * @param json SETATTR's attributes as given (checked when stored), or null for none
 */
record VaddArguments(String key, VectorInput.Unembedded vector, String element, Quantization quantization,
    String json) {

  /** Reads VADD's arguments from the cursor (after the command's name) to their end. */
  static VaddArguments read(Args a) {
    String key = a.nextText("the key");
    if (a.accept("REDUCE")) {
      throw reduceRefused();
    }
    VectorInput.Unembedded vector = VectorInput.readUnembedded(a);
    String element = a.nextText("the element name");
    Quantization quant = null;
    String json = null;
    while (a.hasNext()) {
      String given = a.nextString(); // as given, for the error
      String opt = AsciiCase.upper(given);
      switch (opt) {
        case "CAS" -> { } // adds are already concurrent-safe here
        case "NOQUANT" -> quant = Quantization.F32;
        case "Q8" -> quant = Quantization.Q8;
        case "REDUCE" -> throw reduceRefused(); // Redis takes it before the vector only; refused wherever it is
        case "BIN" -> throw CommandError.err("BIN quantization is not supported by this server: use Q8 or NOQUANT");
        case "EF", "M" -> a.nextInt(1, 1_000_000, opt); // HNSW build settings: the Atlas index has none
        case "SETATTR" -> json = a.nextText("the attributes' JSON");
        default -> throw CommandError.unknownOption("VADD", given);
      }
    }
    return new VaddArguments(key, vector, element, quant, json);
  }

  /** The vector to add: the numbers given, or the TEXT embedded with the server's model. */
  VectorInput.Given embeddedVector(ServerContext server) {
    return vector.embed(server, false);
  }

  private static CommandError reduceRefused() {
    return CommandError.err("REDUCE (random projection) is not supported by this server");
  }
}
