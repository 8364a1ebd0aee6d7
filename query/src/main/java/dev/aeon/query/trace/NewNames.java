package dev.aeon.query.trace;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The dictionary ids of the names one change to a trace uses (an event's session and role, a link's type): a name the
 * dictionary does not hold is logged at once, in the meta log, under the id it will take, and added to the dictionary
 * by {@link #register} only once every record of the change is written. A change that fails part way (a full device)
 * takes its records back ({@link AppendFile#rollBackTo}) and leaves no name behind. Interned at once, a failed link's
 * new type stayed registered with nothing using it, and its record in the meta log was named by the next checkpoint
 * (FailedNewNameTest). Writer only.
 */
final class NewNames {

  private final Dictionary dictionary;
  private final AppendFile meta;
  private List<String> added = List.of(); // most changes bring none, an event at most two

  NewNames(Dictionary dictionary, AppendFile meta) {
    this.dictionary = dictionary;
    this.meta = meta;
  }

  /** The id of {@code s}: the dictionary's, or the one it takes at {@link #register}, its record logged now. */
  int id(String s) throws IOException {
    int id = dictionary.id(s);
    if (id >= 0) {
      return id;
    }
    int at = added.indexOf(s);
    if (at >= 0) {
      return dictionary.size() + at; // a session named as its role
    }
    id = dictionary.size() + added.size();
    Trace.logName(meta, id, s);
    if (added.isEmpty()) {
      added = new ArrayList<>(2);
    }
    added.add(s);
    return id;
  }

  /** Adds the names logged to the dictionary, under the ids {@link #id} gave them; the change is written. */
  void register() {
    for (String s : added) {
      dictionary.add(s);
    }
  }
}
