// Prints the active KRaft controller (the metadata quorum's leader) of the lab's cluster:
// `java -cp '<kafka libs>/*' chaos/faults/QuorumLeader.java <controller host:port,...>`.
// Kafka's jars carry the Admin client (DescribeQuorum, which kafkajs lacks) but not the
// kafka-tools jar with MetadataQuorumCommand, so the lab asks through this single-file program.
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;

public class QuorumLeader {
  public static void main(String[] args) throws Exception {
    Properties props = new Properties();
    props.put("bootstrap.controllers", args[0]);
    props.put("request.timeout.ms", "10000");
    props.put("default.api.timeout.ms", "20000");
    try (Admin admin = Admin.create(props)) {
      System.out.println("LeaderId: " + admin.describeMetadataQuorum().quorumInfo().get().leaderId());
    }
  }
}
