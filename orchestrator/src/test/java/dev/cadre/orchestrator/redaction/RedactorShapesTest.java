package dev.cadre.orchestrator.redaction;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Finding 13 of issue 13: password variables, URL passwords and key shapes that were not masked. */
class RedactorShapesTest {

    @Test
    void masksPasswordAndPassphraseVariablesButNotTheWorkingDirectoryOrPaths() {
        Map<String, String> env = Map.of("DB_PASS", "db-pass-value-1", "MYSQL_PWD", "mysql-pwd-value-2",
                "GPG_PASSPHRASE", "long passphrase three", "SESSION_COOKIE", "cookie-value-4444", "PGPASSFILE", "/home/me/.pgpass",
                "PWD", "/home/me/project", "OLDPWD", "/home/me/other", "PATH", "/usr/local/bin:/usr/bin",
                "GIT_AUTHOR_NAME", "Alice Example", "SHORT_PASS", "abc");
        Redactor redactor = Redactor.fromEnvironment(env);
        String text = "db-pass-value-1 mysql-pwd-value-2 long passphrase three cookie-value-4444 /home/me/.pgpass"
                + " /home/me/project /home/me/other /usr/local/bin:/usr/bin Alice Example abc";

        assertThat(redactor.redact(text)).isEqualTo("[REDACTED] [REDACTED] [REDACTED] [REDACTED] /home/me/.pgpass"
                + " /home/me/project /home/me/other /usr/local/bin:/usr/bin Alice Example abc");
        assertThat(List.of("DB_PASS", "MYSQL_PWD", "PGPASSWORD", "KEYSTORE_PASSPHRASE", "REDIS_AUTH", "db_passwd"))
                .allSatisfy(name -> assertThat(Redactor.isSecretName(name)).as(name).isTrue());
        assertThat(List.of("PWD", "OLDPWD", "PATH", "PGPASSFILE", "SSH_AUTH_SOCK", "GIT_AUTHOR_EMAIL", "HOME"))
                .allSatisfy(name -> assertThat(Redactor.isSecretName(name)).as(name).isFalse());
    }

    @Test
    void masksThePasswordOfAUrlInTextAndKnowsADatabaseUrlsPasswordFromTheEnvironment() {
        Redactor standard = Redactor.standard();
        assertThat(standard.redact("connect to postgres://app:hunter2-pw@db.internal:5432/app now"))
                .isEqualTo("connect to postgres://app:[REDACTED]@db.internal:5432/app now");
        assertThat(standard.redact("redis://:only-a-password@cache:6379/0")).isEqualTo("redis://:[REDACTED]@cache:6379/0");
        assertThat(standard.redact("proxy http://bob:p%40ss@proxy:3128 and https://example.com/a@b"))
                .isEqualTo("proxy http://bob:[REDACTED]@proxy:3128 and https://example.com/a@b");

        Redactor env = Redactor.fromEnvironment(Map.of("DATABASE_URL", "mysql://app:s3cr%2Ft-db-pw@db/app"));
        assertThat(env.redact("the password is s3cr/t-db-pw, written s3cr%2Ft-db-pw"))
                .as("the URL's password, decoded and as written, is a known secret wherever it appears")
                .isEqualTo("the password is [REDACTED], written [REDACTED]");
    }

    @Test
    void masksStripeGitLabHuggingFaceNpmKeysAndBareJwts() {
        Redactor redactor = Redactor.standard();
        List<String> keys = List.of(
                "sk_live_" + "51HabcdefghijklmnopqrstuvWXYZ012345",
                "rk_live_" + "51Habcdefghijklmnopqrstuv",
                "sk_test_" + "4eC39HqLyjWDarjtT1zdp7dc",
                "glpat-" + "xxxxxxxxxxxxxxxxxxxx1234",
                "hf_" + "abcdefghijklmnopqrstuvwxyzABCDEFGH",
                "npm_" + "abcdefghijklmnopqrstuvwxyz0123456789",
                "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9" + ".eyJzdWIiOiIxMjM0NTY3ODkwIn0" + ".dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U");
        for (String key : keys) {
            assertThat(redactor.redact("value=" + key + " end")).as(key).isEqualTo("value=[REDACTED] end");
        }
        for (String text : List.of("pk_live_ is a prefix", "shelf_abc hf_short npm_install", "eyJ alone, a.eyJb.c",
                "see https://example.com/path and git@github.com:o/r.git", "user@example.com: 1:2@3")) {
            assertThat(redactor.redact(text)).as(text).isSameAs(text);
        }
    }
}
