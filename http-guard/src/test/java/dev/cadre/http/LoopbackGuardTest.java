package dev.cadre.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class LoopbackGuardTest {

    private final LoopbackGuard guard = new LoopbackGuard("s3cret", List.of("http://ide.example:3000"));

    @Test
    void acceptsLoopbackHostsOnThisPortOnly() {
        assertThat(guard.hostAllowed("127.0.0.1:7070", 7070)).isTrue();
        assertThat(guard.hostAllowed("localhost:7070", 7070)).isTrue();
        assertThat(guard.hostAllowed("[::1]:7070", 7070)).isTrue();
        assertThat(guard.hostAllowed("127.0.0.1:7071", 7070)).isFalse();
        assertThat(guard.hostAllowed("evil.example:7070", 7070)).isFalse();
        assertThat(guard.hostAllowed(null, 7070)).isFalse();
    }

    @Test
    void acceptsOwnAndAllowedOriginsAndNoOrigin() {
        assertThat(guard.originAllowed(null, 7070)).isTrue();
        assertThat(guard.originAllowed("http://127.0.0.1:7070", 7070)).isTrue();
        assertThat(guard.originAllowed("http://ide.example:3000", 7070)).isTrue();
        assertThat(guard.originAllowed("http://evil.example", 7070)).isFalse();
        assertThat(guard.originAllowed("http://127.0.0.1:7071", 7070)).isFalse();
    }

    @Test
    void checksTheBearerToken() {
        assertThat(guard.check("127.0.0.1:1", null, "Bearer s3cret", 1)).isNull();
        assertThat(guard.check("127.0.0.1:1", null, "bearer s3cret", 1)).isNull();
        assertThat(guard.check("127.0.0.1:1", null, "Bearer s3cre", 1)).extracting(LoopbackGuard.Refusal::status).isEqualTo(401);
        assertThat(guard.check("127.0.0.1:1", null, null, 1)).extracting(LoopbackGuard.Refusal::status).isEqualTo(401);
        assertThat(guard.check("127.0.0.1:1", null, "Basic s3cret", 1)).extracting(LoopbackGuard.Refusal::status).isEqualTo(401);
        assertThat(new LoopbackGuard(null, null).check("localhost:1", null, null, 1)).isNull();
    }

    @Test
    void hostAndOriginRefusalsAre403AndSayWhy() {
        assertThat(guard.check("evil.example:1", null, "Bearer s3cret", 1))
                .isEqualTo(new LoopbackGuard.Refusal(403, "Forbidden: Host 'evil.example:1' is not this server (DNS rebinding protection)."));
        assertThat(guard.check("127.0.0.1:1", "http://evil.example", "Bearer s3cret", 1))
                .isEqualTo(new LoopbackGuard.Refusal(403, "Forbidden: Origin 'http://evil.example' is not allowed."));
    }

    @Test
    void anEmptyTokenIsAMistake() {
        assertThatThrownBy(() -> new LoopbackGuard("", List.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
