package io.sfncallback.local.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonObject;
import com.sun.net.httpserver.HttpServer;
import io.sfncallback.local.json.Json;
import io.sfncallback.local.support.ApprovalStacks;
import io.sfncallback.local.support.Approvals;
import io.sfncallback.local.support.Await;
import io.sfncallback.local.support.SfnClients;
import java.io.File;
import java.net.URI;
import java.net.http.HttpResponse;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * The approval loop as a person meets it, in a real browser: headless Chromium (Debian's {@code chromium}) driven by
 * Selenium through the system {@code chromedriver}. The driver and browser paths are given explicitly, so Selenium
 * Manager (which would download them) is never used. Without both binaries the tests are skipped with a message,
 * except under CI ({@code CI=true}), which installs them ({@code .ci/run}) and must run them.
 *
 * <p>Status codes come from the approval endpoint's access log, which the browser cannot show.
 */
class ApprovalBrowserIT {

    /** Debian's paths; CHROMIUM_BIN / CHROMEDRIVER_BIN name others (GitHub's runners ship Google Chrome). */
    static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("CHROMIUM_BIN", "/usr/bin/chromium"));
    static final Path CHROMEDRIVER = Path.of(System.getenv().getOrDefault("CHROMEDRIVER_BIN", "/usr/bin/chromedriver"));
    /** Where the approval page's screenshot is written; -Dapproval.screenshot=PATH writes it there too. */
    static final Path SCREENSHOT = Path.of("target", "approval-page.png");

    @RegisterExtension
    static final ApprovalStacks stacks = new ApprovalStacks();

    private static Path profile;
    private static WebDriver browser;

    @BeforeAll
    static void startBrowser() throws Exception {
        boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (!present) {
            String missing = "the browser tests need Debian's chromium and chromium-driver (" + CHROMIUM + ", "
                    + CHROMEDRIVER + "): apt-get install chromium chromium-driver";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail("CI must run the browser tests, and " + missing + " (.ci/run installs them)");
            }
            Assumptions.abort("Skipped: " + missing);
        }
        profile = Files.createTempDirectory("approval-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-quic", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
                .usingAnyFreePort()
                .build();
        browser = new ChromeDriver(service, options);
        browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
        browser.manage().window().setSize(new Dimension(900, 1000));
    }

    @AfterAll
    static void stopBrowser() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        if (profile != null) {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
            }
        }
    }

    private static WebDriverWait waiting() {
        return new WebDriverWait(browser, Duration.ofSeconds(30));
    }

    /** Opens the outbox and clicks the link in the e-mail to {@code approver} about {@code executionArn}. */
    private static void openFromOutbox(ApprovalStacks.Running running, String executionArn, String approver) {
        new Approvals(running).mail(executionArn, approver);
        browser.get(running.stack().outboxUrl());
        String marker = "Execution: " + Approvals.executionName(executionArn);
        WebElement mail = browser.findElements(By.cssSelector("article.message")).stream()
                .filter(article -> article.findElement(By.cssSelector(".to")).getText().equals(approver)
                        && article.findElement(By.cssSelector(".body")).getText().contains(marker))
                .findFirst().orElseThrow(() -> new AssertionError("no e-mail to " + approver + " on the outbox page"));
        // Every URL in an e-mail is a link on the outbox page, a summary's too: pick the approval link.
        clickToNewPage(mail.findElements(By.cssSelector(".body a")).stream()
                .filter(a -> a.getAttribute("href").startsWith(running.stack().approvalEndpoint() + "/approvals/"))
                .findFirst().orElseThrow(() -> new AssertionError("no approval link in the e-mail")));
        assertTrue(browser.getCurrentUrl().contains("/approvals/"), browser.getCurrentUrl());
    }

    /** Clicks the form's {@code decision} button and waits for the page it leads to. */
    private static void submit(String decision) {
        clickToNewPage(browser.findElement(By.cssSelector("button[name=decision][value=" + decision + "]")));
    }

    /**
     * Clicks {@code element}, which leads to another page, and waits until that page has loaded.
     *
     * <p>The old page is marked with a property on its {@code window}; the next document gets a new
     * {@code window}, so the wait ends once the mark is gone and the new document has loaded. Not
     * {@code stalenessOf(element)}: while Chrome swaps documents, asking about an element of the old one
     * can fail with a plain {@code WebDriverException} ("Node with given id does not belong to the
     * document") instead of a stale-element error, which ended that wait with an error on a busy CI
     * machine. Errors while the navigation is under way are ignored; only the timeout fails.
     */
    private static void clickToNewPage(WebElement element) {
        JavascriptExecutor script = (JavascriptExecutor) browser;
        script.executeScript("window.__beforeClick = true;");
        element.click();
        waiting().ignoring(WebDriverException.class).until(driver -> Boolean.TRUE.equals(script.executeScript(
                "return window.__beforeClick === undefined && document.readyState === 'complete';")));
    }

    /** The loaded page's heading; like {@link #clickToNewPage}, it tolerates errors while a page is still loading. */
    private static String heading() {
        return waiting().ignoring(WebDriverException.class).until(driver -> "complete".equals(
                ((JavascriptExecutor) driver).executeScript("return document.readyState;"))
                ? driver.findElement(By.tagName("h1")).getText() : null);
    }

    private static DescribeExecutionResponse awaitEnd(ApprovalStacks.Running running, String arn) {
        return SfnClients.awaitEnd(running.sfn(), arn, Approvals.WAIT);
    }

    private static void awaitAccessLog(Approvals approvals, String method, String link, int status) {
        Await.until(Duration.ofSeconds(30), method + " " + status + " in the approval endpoint's log",
                () -> approvals.accessLogged(method, link, status));
    }

    @Test
    void anApproverOpensTheLinkFromTheOutboxReadsTheRequestApprovesWithACommentAndTheRunSucceeds() throws Exception {
        ApprovalStacks.Running running = stacks.get(ApprovalStacks.Kind.TWO_APPROVERS);
        Approvals approvals = new Approvals(running);
        String summary = "Purchase order PO-2291 from Northwind Traders\n"
                + "3 × ThinkPad T14 (32 GB, 1 TB) for the new data team: EUR 4,212.00 incl. VAT\n"
                + "Requested by Sam Rivera (Engineering), cost centre 4410, budget 2026-Q2\n"
                + "Delivery: Lisbon office, within 10 working days";
        String arn = approvals.start(summary);
        openFromOutbox(running, arn, "alice@example.com");

        assertEquals("Approval requested", heading());
        assertEquals(summary, browser.findElement(By.cssSelector(".summary")).getText());
        assertTrue(browser.getPageSource().contains("alice@example.com"));
        browser.findElement(By.id("comment")).sendKeys("Approved: within the Q2 hardware budget.");
        submit("approve");

        assertEquals("You approved the request", heading());
        DescribeExecutionResponse execution = awaitEnd(running, arn);
        assertEquals(ExecutionStatus.SUCCEEDED, execution.status(), execution.error() + " " + execution.cause());
        JsonObject approval = Json.parse(execution.output()).getAsJsonObject().getAsJsonObject("approval");
        assertEquals(4, approval.size(), approval.toString());
        assertTrue(approval.get("approved").getAsBoolean());
        assertEquals("alice@example.com", approval.get("approver").getAsString());
        assertEquals("Approved: within the Q2 hardware budget.", approval.get("comment").getAsString());
        assertTrue(approval.get("decidedAt").getAsString().endsWith("Z"), approval.toString());
    }

    @Test
    void aRejectionWithACommentFailsTheRunWithApprovalRejected() {
        ApprovalStacks.Running running = stacks.get(ApprovalStacks.Kind.TWO_APPROVERS);
        String arn = new Approvals(running).start("Travel: 2 business-class flights to Singapore");
        openFromOutbox(running, arn, "bob@example.com");
        browser.findElement(By.id("comment")).sendKeys("Economy, please.");
        submit("reject");
        assertEquals("You rejected the request", heading());
        DescribeExecutionResponse execution = awaitEnd(running, arn);
        assertEquals(ExecutionStatus.FAILED, execution.status());
        assertEquals("Approval.Rejected", execution.error());
        JsonObject cause = Json.parse(execution.cause()).getAsJsonObject();
        assertEquals("bob@example.com", cause.get("approver").getAsString(), execution.cause());
        assertEquals("Economy, please.", cause.get("comment").getAsString(), execution.cause());
    }

    /**
     * Issue 18, attack 1, in a real browser: {@code "Pay EUR \u202E00.05\u202C to ACME"} is displayed by Chromium as
     * "Pay EUR 50.00 to ACME" when the override reaches the page. The request function now refuses such a summary
     * (ApprovalLoopIT), so this one is written into the table as a request stored before the rule was; the page must
     * still show it as it is held: the override as a visible marker, the digits in their order.
     */
    @Test
    void aSummaryWithARightToLeftOverrideIsNotDisplayedReversed() throws Exception {
        ApprovalStacks.Running running = stacks.get(ApprovalStacks.Kind.TWO_APPROVERS);
        Approvals approvals = new Approvals(running);
        String arn = approvals.start("Pay EUR 00.05 to ACME");
        approvals.mail(arn, "alice@example.com");
        String attack = "Pay EUR \u202E00.05\u202C to ACME";
        storeSummary(running, arn, attack);

        openFromOutbox(running, arn, "alice@example.com");

        assertEquals("Approval requested", heading());
        WebElement shown = browser.findElement(By.cssSelector(".summary"));
        assertEquals("Pay EUR ⟨U+202E⟩00.05⟨U+202C⟩ to ACME", shown.getText());
        assertEquals("auto", shown.getAttribute("dir"));
        assertEquals("plaintext", shown.getCssValue("unicode-bidi"));
        // Where Chromium drew each character of "00.05": left to right, so it reads 00.05, not 50.00.
        @SuppressWarnings("unchecked")
        List<Number> lefts = (List<Number>) ((JavascriptExecutor) browser).executeScript(
                "const node = arguments[0].firstChild, at = node.textContent.indexOf('00.05'), lefts = [];"
                        + "for (let i = 0; i < 5; i++) { const r = document.createRange();"
                        + "  r.setStart(node, at + i); r.setEnd(node, at + i + 1);"
                        + "  lefts.push(r.getBoundingClientRect().left); }"
                        + "return lefts;", shown);
        for (int i = 1; i < lefts.size(); i++) {
            assertTrue(lefts.get(i).doubleValue() > lefts.get(i - 1).doubleValue(),
                    "the digits are drawn out of order (displayed reversed): " + lefts);
        }
    }

    /** Overwrites the summary of {@code executionArn}'s request item in the local stack's DynamoDB Local. */
    private static void storeSummary(ApprovalStacks.Running running, String executionArn, String summary) {
        String table = running.stack().config().approvalsTableName();
        try (DynamoDbClient dynamo = DynamoDbClient.builder()
                .endpointOverride(URI.create(running.stack().approval().dynamoDbEndpoint()))
                .region(Region.of(running.stack().config().region()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.create())
                .build()) {
            Map<String, AttributeValue> item = dynamo.scan(r -> r.tableName(table)).items().stream()
                    .filter(candidate -> candidate.get("pk").s().startsWith("request#")
                            && executionArn.equals(candidate.get("executionArn").s()))
                    .findFirst().orElseThrow(() -> new AssertionError("no request item for " + executionArn));
            dynamo.updateItem(r -> r.tableName(table).key(Map.of("pk", item.get("pk")))
                    .updateExpression("SET summary = :summary")
                    .expressionAttributeValues(Map.of(":summary", AttributeValue.fromS(summary))));
        }
    }

    @Test
    void aSecondClickAfterAnotherDecisionGetsAClearAlreadyDecidedPage() throws Exception {
        ApprovalStacks.Running running = stacks.get(ApprovalStacks.Kind.TWO_APPROVERS);
        Approvals approvals = new Approvals(running);
        String arn = approvals.start("Raise the on-call allowance by 10%");
        openFromOutbox(running, arn, "alice@example.com");
        String aliceLink = browser.getCurrentUrl();
        // Meanwhile Bob decides from his own link; Alice's open page then clicks Approve.
        String bobLink = approvals.linkFromOutboxPage(arn, "bob@example.com");
        assertEquals(200, approvals.decide(bobLink, "approve", null).statusCode());
        submit("approve");
        assertEquals("This request has already been decided", heading());
        assertTrue(browser.findElement(By.tagName("body")).getText().contains("by another approver"));
        awaitAccessLog(approvals, "POST", aliceLink, 409);
        // Opening the link again shows the same.
        browser.get(aliceLink);
        assertEquals("This request has already been decided", heading());
        JsonObject approval = Json.parse(awaitEnd(running, arn).output()).getAsJsonObject().getAsJsonObject("approval");
        assertEquals("bob@example.com", approval.get("approver").getAsString());
    }

    @Test
    void aTamperedLinkShowsTheNotValidPage() {
        ApprovalStacks.Running running = stacks.get(ApprovalStacks.Kind.TWO_APPROVERS);
        Approvals approvals = new Approvals(running);
        String arn = approvals.start("Rename the product line");
        openFromOutbox(running, arn, "alice@example.com");
        String link = browser.getCurrentUrl();
        String tampered = link.substring(0, link.length() - 2) + (link.endsWith("xy") ? "yx" : "xy");
        browser.get(tampered);
        assertEquals("Link not valid", heading());
        awaitAccessLog(approvals, "GET", tampered, 404);
        assertEquals(ExecutionStatus.RUNNING, running.sfn().describeExecution(b -> b.executionArn(arn)).status());
    }

    /**
     * Opening the page and reading it, reloading it, even typing a comment, decides nothing (mail scanners and link
     * previews open links). Also takes the approval page's screenshot, with a realistic request.
     */
    @Test
    void visitingThePageWithoutClickingDecidesNothing() throws Exception {
        ApprovalStacks.Running running = stacks.get(ApprovalStacks.Kind.TWO_APPROVERS);
        Approvals approvals = new Approvals(running);
        String summary = "Purchase order PO-2291 from Northwind Traders\n"
                + "3 × ThinkPad T14 (32 GB, 1 TB) for the new data team: EUR 4,212.00 incl. VAT\n"
                + "Requested by Sam Rivera (Engineering), cost centre 4410, budget 2026-Q2\n"
                + "Delivery: Lisbon office, within 10 working days";
        String arn = approvals.start(summary);
        openFromOutbox(running, arn, "alice@example.com");
        assertEquals("Approval requested", heading());
        assertEquals(summary, browser.findElement(By.cssSelector(".summary")).getText());
        browser.navigate().refresh();
        assertEquals("Approval requested", heading());
        browser.findElement(By.id("comment")).sendKeys("Within the Q2 hardware budget.");
        screenshot();
        String link = browser.getCurrentUrl();
        awaitAccessLog(approvals, "GET", link, 200);
        assertTrue(running.log().lines().stream().noneMatch(line -> line.text().contains(
                "POST /approvals/{link}") && line.text().contains(Approvals.fingerprint(link))));
        assertEquals(ExecutionStatus.RUNNING, running.sfn().describeExecution(b -> b.executionArn(arn)).status());
    }

    /** Saves the page to target/approval-page.png, and to -Dapproval.screenshot=PATH when given. */
    private static void screenshot() throws Exception {
        Path shot = ((ChromeDriver) browser).getScreenshotAs(OutputType.FILE).toPath();
        Files.createDirectories(SCREENSHOT.toAbsolutePath().getParent());
        Files.copy(shot, SCREENSHOT, StandardCopyOption.REPLACE_EXISTING);
        String extra = System.getProperty("approval.screenshot");
        if (extra != null && !extra.isBlank()) {
            Files.copy(shot, Path.of(extra), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * A page of another origin (127.0.0.1 on another port) that makes the approver's browser POST the decision form
     * to the approval URL, with the very form token the page had: the browser marks it cross-site (Origin, and
     * Sec-Fetch-Site: same-site, since ports do not make a site), and it is refused with 403; nothing is decided.
     */
    @Test
    void aCrossSitePostFromAnotherOriginIsRefusedAndDecidesNothing() throws Exception {
        ApprovalStacks.Running running = stacks.get(ApprovalStacks.Kind.TWO_APPROVERS);
        Approvals approvals = new Approvals(running);
        String arn = approvals.start("Wire EUR 50,000 to a new supplier");
        String link = approvals.linkFromOutboxPage(arn, "alice@example.com");
        String token = Approvals.formToken(approvals.get(link).body());
        String attack = "<!DOCTYPE html><html><body onload=\"document.forms[0].submit()\"><h1>Win a prize</h1>"
                + "<form method=\"post\" action=\"" + link + "\">"
                + "<input type=\"hidden\" name=\"decision\" value=\"approve\">"
                + "<input type=\"hidden\" name=\"comment\" value=\"forged\">"
                + "<input type=\"hidden\" name=\"csrf\" value=\"" + token + "\"></form></body></html>";
        HttpServer other = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        other.createContext("/", exchange -> {
            byte[] body = attack.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        other.start();
        try {
            browser.get("http://127.0.0.1:" + other.getAddress().getPort() + "/prize");
            waiting().until(ExpectedConditions.urlContains("/approvals/"));
            assertEquals("Request refused", heading());
        } finally {
            other.stop(0);
        }
        awaitAccessLog(approvals, "POST", link, 403);
        assertEquals(ExecutionStatus.RUNNING, running.sfn().describeExecution(b -> b.executionArn(arn)).status());
        // The request is still open: its approver can still decide.
        assertEquals(200, approvals.decide(link, "reject", "not me").statusCode());
        assertEquals("Approval.Rejected", awaitEnd(running, arn).error());
    }

    @Test
    void aSummaryContainingHtmlIsShownAsTextWithNoElementInjected() {
        ApprovalStacks.Running running = stacks.get(ApprovalStacks.Kind.TWO_APPROVERS);
        String summary = "<img src=x onerror=\"document.title='pwned'\"><b>bold</b><script>document.title='pwned'"
                + "</script><a href=\"http://evil.test\">click</a> & \"quotes\"";
        String arn = new Approvals(running).start(summary);
        openFromOutbox(running, arn, "alice@example.com");
        WebElement shown = browser.findElement(By.cssSelector(".summary"));
        assertEquals(summary, shown.getText());
        assertEquals(List.of(), shown.findElements(By.cssSelector("*")));
        assertEquals(List.of(), browser.findElements(By.cssSelector("img, script, b, a")));
        assertEquals("Approval requested", browser.getTitle());
    }

    @Test
    void afterTheApprovalTimeoutTheRunFailsWithApprovalExpiredAndTheLinkShowsTheExpiredPage() throws Exception {
        ApprovalStacks.Running running = stacks.get(ApprovalStacks.Kind.SHORT_TIMEOUT);
        Approvals approvals = new Approvals(running);
        String arn = approvals.start("Approve the weekend deployment");
        openFromOutbox(running, arn, "alice@example.com");
        String link = browser.getCurrentUrl();
        // The live request, unless a loaded machine took longer than the 6-second timeout to open it (seen under a
        // concurrent build): then it is already the expired page, which is what this test is about.
        String first = heading();
        assertTrue(List.of("Approval requested", "This approval request has expired").contains(first), first);
        DescribeExecutionResponse execution = awaitEnd(running, arn);
        assertEquals(ExecutionStatus.FAILED, execution.status());
        assertEquals("Approval.Expired", execution.error());
        // The request's own expiry trails Step Functions' timeout by the moment it took to create it.
        Await.until(Duration.ofSeconds(30), "the link to answer 410, expired", () -> {
            try {
                // Before its own expiry the page may already say closed: Step Functions reports the run failed.
                HttpResponse<String> page = approvals.get(link);
                return page.statusCode() == 410 && page.body().contains("has expired");
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        browser.get(link);
        assertEquals("This approval request has expired", heading());
        awaitAccessLog(approvals, "GET", link, 410);
    }
}
