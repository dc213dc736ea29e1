import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.opensearch.analysis.common.CommonAnalysisPlugin;
import org.opensearch.index.reindex.ReindexPlugin;
import org.opensearch.common.logging.LogConfigurator;
import org.opensearch.common.settings.Settings;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.transport.Netty4Plugin;

/**
 * A single OpenSearch node for the cluster tests, run with its own class path (OpenSearch's Lucene
 * and Jackson differ from the gateway's): {@code java -cp 'lib/*' OpenSearchNode.java <home>
 * <httpPort>}. The HTTP transport (netty4), the common analysis components and reindex (delete by
 * query) are plugins, loaded from
 * the class path as the distribution would load them from its modules folder. It runs until the process is killed.
 */
public class OpenSearchNode {

  public static void main(String[] args) throws Exception {
    Path home = Path.of(args[0]).toAbsolutePath();
    Files.createDirectories(home.resolve("plugins"));
    Files.createDirectories(home.resolve("modules"));
    Files.createDirectories(home.resolve("config"));
    Settings settings =
        Settings.builder()
            .put("path.home", home.toString())
            .put("path.data", home.resolve("data").toString())
            .put("path.logs", home.resolve("logs").toString())
            .put("node.name", "test-node")
            .put("cluster.name", "gateway-test")
            .put("discovery.type", "single-node")
            .put("network.host", "127.0.0.1")
            .put("http.port", args[1])
            .put("transport.port", "0")
            .put("http.type", Netty4Plugin.NETTY_HTTP_TRANSPORT_NAME)
            .put("transport.type", Netty4Plugin.NETTY_TRANSPORT_NAME)
            // A test machine's disk may be fuller than the production watermarks allow.
            .put("cluster.routing.allocation.disk.threshold_enabled", false)
            // The file-system health check misreads the lock file's times on overlay file systems.
            .put("monitor.fs.health.enabled", false)
            .build();
    LogConfigurator.configureWithoutConfig(settings);
    Node node =
        new PluginNode(
            InternalSettingsPreparer.prepareEnvironment(settings, Map.of(), null, () -> "test-node"));
    node.start();
    System.out.println("OpenSearch node started on http port " + args[1]);
    Thread.currentThread().join();
  }

  /** Node's constructor taking class-path plugins is protected (OpenSearch's MockNode uses it). */
  static final class PluginNode extends Node {
    PluginNode(org.opensearch.env.Environment environment) {
      super(
          environment,
          List.of(Netty4Plugin.class, CommonAnalysisPlugin.class, ReindexPlugin.class),
          true);
    }
  }
}
