package org.cypmh.routes;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.AbstractPlatformTransactionManager;
import org.springframework.transaction.support.DefaultTransactionStatus;

/**
 * Transactions without a database, for tests: each notes how it ended ({@code begin}, then {@code
 * commit} or {@code rollback}, followed by what a test wrote in it, if anything) and tells the
 * listener whether it committed.
 */
public final class NotingTransactions extends AbstractPlatformTransactionManager {

  public final List<String> log = Collections.synchronizedList(new ArrayList<>());
  private final List<String> written = new ArrayList<>();
  private final Consumer<Boolean> ended;

  public NotingTransactions() {
    this(committed -> {});
  }

  public NotingTransactions(Consumer<Boolean> ended) {
    this.ended = ended;
  }

  /** Notes {@code what} as written in the transaction under way; returns it. */
  public String write(String what) {
    synchronized (written) {
      written.add(what);
    }
    return what;
  }

  @Override
  protected Object doGetTransaction() {
    return new Object();
  }

  @Override
  protected void doBegin(Object transaction, TransactionDefinition definition) {
    log.add("begin");
  }

  @Override
  protected void doCommit(DefaultTransactionStatus status) {
    end("commit");
    ended.accept(true);
  }

  @Override
  protected void doRollback(DefaultTransactionStatus status) {
    end("rollback");
    ended.accept(false);
  }

  private void end(String how) {
    synchronized (written) {
      log.add(written.isEmpty() ? how : how + " " + written);
      written.clear();
    }
  }
}
