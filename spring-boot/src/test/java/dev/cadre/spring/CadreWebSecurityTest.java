package dev.cadre.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.api.CadreJson;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** With Spring Security the application's filter chain decides who reaches the console and MCP; Cadre's checks stay. */
@SpringBootTest(classes = CadreWebSecurityTest.App.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class CadreWebSecurityTest {

    static final String OPS = "Basic " + Base64.getEncoder().encodeToString("ops:ops-password".getBytes(StandardCharsets.UTF_8));
    static final String GUEST = "Basic " + Base64.getEncoder().encodeToString("guest:guest-password".getBytes(StandardCharsets.UTF_8));

    @TempDir
    static Path runs;

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App extends CadreAutoConfigurationTest.App {
        @Bean
        SecurityFilterChain security(HttpSecurity http) throws Exception {
            return http.authorizeHttpRequests(a -> a.requestMatchers("/cadre/**").hasRole("OPS").anyRequest().authenticated())
                    .httpBasic(Customizer.withDefaults()).csrf(c -> c.ignoringRequestMatchers("/cadre/mcp")).build();
        }

        @Bean
        InMemoryUserDetailsManager users() {
            return new InMemoryUserDetailsManager(User.withUsername("ops").password("{noop}ops-password").roles("OPS").build(),
                    User.withUsername("guest").password("{noop}guest-password").roles("GUEST").build());
        }
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("cadre.runs-directory", () -> runs.toString());
        registry.add("cadre.web.console.enabled", () -> "true");
        registry.add("cadre.web.mcp.enabled", () -> "true");
    }

    @LocalServerPort
    int port;

    final HttpClient http = HttpClient.newHttpClient();

    @Test
    void theApplicationsSecurityDecidesWhoReachesTheConsoleAndCadreStillRefusesAForeignOrigin() throws Exception {
        HttpResponse<String> anonymous = get("/cadre/console/api/runs", null, null);
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("WWW-Authenticate").orElse("")).startsWith("Basic");
        assertThat(get("/cadre/console/api/runs", GUEST, null).statusCode()).isEqualTo(403);
        assertThat(get("/cadre/console/api/runs", OPS, null).statusCode()).isEqualTo(200);
        HttpResponse<String> foreign = get("/cadre/console/api/runs", OPS, "https://evil.example");
        assertThat(foreign.statusCode()).isEqualTo(403);
        assertThat(foreign.body()).contains("Origin");
    }

    @Test
    void anMcpClientWithTheApplicationsCredentialsRunsACrewAndOneWithoutIsRefused() throws Exception {
        assertThat(get("/cadre/mcp", null, null).statusCode()).isEqualTo(401);
        McpSyncClient client = McpClient.sync(HttpClientStreamableHttpTransport.builder("http://127.0.0.1:" + port)
                        .endpoint("/cadre/mcp").jsonMapper(new JacksonMcpJsonMapper(CadreJson.newMapper()))
                        .requestBuilder(HttpRequest.newBuilder().header("Authorization", OPS)).build())
                .requestTimeout(Duration.ofSeconds(30)).build();
        try {
            client.initialize();
            McpSchema.CallToolResult result = client.callTool(new McpSchema.CallToolRequest("crew_summary",
                    java.util.Map.of("task", "the minutes")));
            assertThat(result.isError()).as(result.toString()).isFalse();
        } finally {
            client.closeGracefully();
        }
    }

    private HttpResponse<String> get(String path, String authorization, String origin) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
        if (authorization != null) request.header("Authorization", authorization);
        if (origin != null) request.header("Origin", origin);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
