package dev.aeon.bench.locomo;

import dev.aeon.bench.locomo.LocomoData.Turn;
import java.util.List;

/** A {@link Dialogue} read straight from the data set's turns: NEXT links turns of the same session. */
final class TurnDialogue implements Dialogue {

  private final List<Turn> turns;

  TurnDialogue(List<Turn> turns) {
    this.turns = turns;
  }

  @Override
  public int size() {
    return turns.size();
  }

  @Override
  public int previous(int turn) {
    return turn > 0 && turns.get(turn - 1).session() == turns.get(turn).session() ? turn - 1 : -1;
  }

  @Override
  public int next(int turn) {
    return turn + 1 < turns.size() && turns.get(turn + 1).session() == turns.get(turn).session() ? turn + 1 : -1;
  }

  @Override
  public long timestampMicros(int turn) {
    return turns.get(turn).timestampMicros();
  }

  @Override
  public String text(int turn) {
    return turns.get(turn).text();
  }
}
