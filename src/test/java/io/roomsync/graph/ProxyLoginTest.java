package io.roomsync.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.roomsync.sandbox.Directory;
import io.roomsync.sandbox.ExchangeSandbox;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Token and Graph calls through an HTTP proxy that asks for a login (Basic, on the CONNECT of the HTTPS tunnel). */
class ProxyLoginTest {
    static ExchangeSandbox sandbox;
    static Directory.Tenant tenant;
    static Directory.App app;
    static LoginProxy proxy;

    @BeforeAll
    static void start() throws IOException {
        sandbox = ExchangeSandbox.builder().build().start();
        tenant = sandbox.addTenant("contoso.test", "Contoso");
        app = sandbox.addApp(tenant, null, "Roomsync", "s3cret");
        sandbox.addRoom(tenant, "aurora@contoso.test", "Aurora", null);
        proxy = new LoginProxy("sync", "pr0xy-pass");
    }

    @AfterAll
    static void stop() throws IOException {
        proxy.close();
        sandbox.close();
    }

    static GraphConnection viaProxy() {
        return new GraphConnection(GraphEndpoints.custom(sandbox.authorityHost(), sandbox.graphBaseUrl()), tenant.id,
                app.clientId, "s3cret", sandbox.certificatePem(),
                new Proxy(Proxy.Type.HTTP, new InetSocketAddress(InetAddress.getLoopbackAddress(), proxy.port())));
    }

    @Test
    void with_the_proxy_login_the_token_and_the_calls_go_through_the_proxy() {
        GraphConnection connection = viaProxy().withProxyLogin("sync", "pr0xy-pass");
        assertTrue(!connection.toString().contains("pr0xy-pass"), connection.toString());
        int before = proxy.tunnels.get();
        GraphClientFactory.GraphApp graph = GraphClientFactory.withoutSdkRetries().appClient(connection);
        assertTrue(graph.checkToken().isAfter(Instant.now()));
        assertNotNull(new GraphCalls().call(graph, "aurora@contoso.test", "events.list",
                g -> g.users().byUserId("aurora@contoso.test").events().get()).getValue());
        assertTrue(proxy.tunnels.get() >= before + 2, "the identity platform and Graph were both reached through the proxy");
    }

    @Test
    void with_a_wrong_login_the_proxy_refuses_and_the_failure_names_the_proxy() {
        // The custom cloud's OIDC authority is discovered while the client is built, so the refusal shows there.
        GraphFailure refused = assertThrows(GraphFailure.class,
                () -> GraphClientFactory.withoutSdkRetries().appClient(viaProxy().withProxyLogin("sync", "wrong")));
        assertEquals(GraphFailure.Kind.UNREACHABLE, refused.kind());
        assertEquals(0, refused.status());
        assertTrue(refused.getMessage().contains("proxy"), refused.getMessage());
        assertTrue(!refused.getMessage().contains("wrong"), "the password is not in the message");
    }

    /** A CONNECT-only proxy that wants Basic credentials, then pipes bytes both ways. */
    static final class LoginProxy implements AutoCloseable {
        final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        final String expected;
        final AtomicInteger tunnels = new AtomicInteger();

        LoginProxy(String user, String password) throws IOException {
            expected = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.ISO_8859_1));
            Thread accept = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket client = server.accept();
                        new Thread(() -> serve(client), "login-proxy").start();
                    } catch (IOException closed) {
                        return;
                    }
                }
            }, "login-proxy-accept");
            accept.setDaemon(true);
            accept.start();
        }

        int port() {
            return server.getLocalPort();
        }

        private void serve(Socket client) {
            try (client) {
                InputStream in = client.getInputStream();
                OutputStream out = client.getOutputStream();
                while (true) {
                    String head = readHead(in);
                    if (head == null) return;
                    String[] lines = head.split("\r\n");
                    String[] request = lines[0].split(" ");
                    String auth = null;
                    for (String l : lines) if (l.regionMatches(true, 0, "Proxy-Authorization:", 0, 20)) auth = l.substring(20).trim();
                    if (!request[0].equals("CONNECT") || !expected.equals(auth)) {
                        out.write(("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"test\"\r\n"
                                + "Content-Length: 0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                        continue;
                    }
                    String[] target = request[1].split(":");
                    try (Socket upstream = new Socket(target[0], Integer.parseInt(target[1]))) {
                        tunnels.incrementAndGet();
                        out.write("HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                        Thread back = new Thread(() -> pipe(upstream, client), "login-proxy-back");
                        back.start();
                        pipe(client, upstream);
                        back.join();
                    }
                    return;
                }
            } catch (IOException | InterruptedException e) {
                // the client went away
            }
        }

        private static String readHead(InputStream in) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) != -1) {
                head.write(b);
                byte[] h = head.toByteArray();
                int n = h.length;
                if (n >= 4 && h[n - 4] == '\r' && h[n - 3] == '\n' && h[n - 2] == '\r' && h[n - 1] == '\n') {
                    return head.toString(StandardCharsets.US_ASCII);
                }
            }
            return null;
        }

        private static void pipe(Socket from, Socket to) {
            try {
                from.getInputStream().transferTo(to.getOutputStream());
                to.shutdownOutput();
            } catch (IOException e) {
                // one side closed
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
