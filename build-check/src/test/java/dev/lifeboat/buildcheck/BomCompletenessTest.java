package dev.lifeboat.buildcheck;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * Maven cannot generate the BOM from the reactor, so this test keeps it honest: every published
 * module is in the BOM, nothing else is, and every jar declares its Automatic-Module-Name.
 */
class BomCompletenessTest {
    /** Modules that are built but never published. */
    private static final Set<String> UNPUBLISHED = Set.of(
            "lifeboat-build-check",
            "lifeboat-benchmarks",
            "lifeboat-benchmarks-spark",
            "lifeboat-bom",
            "lifeboat-spark-test-s3proxy",
            "lifeboat-spark-test-minidfs",
            "lifeboat-spark-test-launcher",
            "lifeboat-spark-4.0-tests",
            "lifeboat-spark-example");

    private final Path root =
            Path.of(System.getProperty("lifeboat.root", "..")).toAbsolutePath().normalize();

    @Test
    void bomListsEveryPublishedModuleAndNothingElse() throws Exception {
        Set<String> published = new TreeSet<>();
        for (String module : modules()) {
            Document pom = parse(root.resolve(module).resolve("pom.xml"));
            String artifactId = child(pom.getDocumentElement(), "artifactId");
            if (!UNPUBLISHED.contains(artifactId)) {
                published.add(artifactId);
            }
        }
        Set<String> inBom = new TreeSet<>();
        NodeList deps = parse(root.resolve("bom/pom.xml")).getElementsByTagName("dependency");
        for (int i = 0; i < deps.getLength(); i++) {
            Element dep = (Element) deps.item(i);
            assertThat(child(dep, "groupId"))
                    .as("the BOM lists only Lifeboat artifacts")
                    .isEqualTo("dev.lifeboat");
            inBom.add(child(dep, "artifactId"));
        }
        assertThat(inBom).as("artifacts in bom/pom.xml").isEqualTo(published);
    }

    @Test
    void everyJarModuleNamesItsAutomaticModule() throws Exception {
        List<String> missing = new ArrayList<>();
        for (String module : modules()) {
            Document pom = parse(root.resolve(module).resolve("pom.xml"));
            String packaging = child(pom.getDocumentElement(), "packaging");
            NodeList names = pom.getElementsByTagName("lifeboat.module.name");
            if ((packaging == null || packaging.equals("jar"))
                    && (names.getLength() == 0
                            || !names.item(0).getTextContent().startsWith("dev.lifeboat."))) {
                missing.add(module);
            }
        }
        assertThat(missing)
                .as("modules without a lifeboat.module.name property")
                .isEmpty();
    }

    /**
     * The modules of the reactor, nested ones included. A parent that lists modules of its own
     * (such as {@code integrations/spark}) is not itself an artifact users depend on, so it is
     * not listed; its modules are.
     */
    private List<String> modules() throws Exception {
        List<String> modules = new ArrayList<>();
        collectModules("", modules);
        assertThat(modules).as("modules of the root pom").contains("spi", "bom");
        return modules;
    }

    private void collectModules(String dir, List<String> into) throws Exception {
        Document pom = parse(root.resolve(dir.isEmpty() ? "pom.xml" : dir + "/pom.xml"));
        NodeList nodes = pom.getElementsByTagName("module");
        for (int i = 0; i < nodes.getLength(); i++) {
            String module = (dir.isEmpty() ? "" : dir + "/")
                    + nodes.item(i).getTextContent().trim();
            if (parse(root.resolve(module).resolve("pom.xml"))
                            .getElementsByTagName("module")
                            .getLength()
                    > 0) {
                collectModules(module, into);
            } else {
                into.add(module);
            }
        }
    }

    private static Document parse(Path pom) throws Exception {
        assertThat(pom).exists();
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        try (var in = Files.newInputStream(pom)) {
            return factory.newDocumentBuilder().parse(in);
        }
    }

    /** The text of a direct child element, or null. */
    private static String child(Element parent, String name) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                return e.getTextContent().trim();
            }
        }
        return null;
    }
}
