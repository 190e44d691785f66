/* SPDX-License-Identifier: MIT */
/* cjose's side of the JWE interop tests: encrypt standard input to a JWK, or decrypt a compact JWE from standard
 * input with a JWK, using only cjose's C API (Debian libcjose-dev); no jot code. Driven by jwe_interop.py.
 *   jwe_cjose encrypt ALG ENC JWK_FILE   < plaintext > compact JWE
 *   jwe_cjose decrypt JWK_FILE           < compact JWE > plaintext
 * Exit 0 on success, 1 when cjose refuses (its message on stderr), 2 on usage or I/O errors. */
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <cjose/cjose.h>

static char* read_all(FILE* f, size_t* len) {
    size_t cap = 4096, n = 0;
    char* buf = static_cast<char*>(malloc(cap + 1));
    size_t got;
    if (!buf) return NULL;
    while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            char* bigger = static_cast<char*>(realloc(buf, cap * 2 + 1));
            if (!bigger) {
                free(buf);
                return NULL;
            }
            buf = bigger;
            cap *= 2;
        }
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

static cjose_jwk_t* load_jwk(const char* path) {
    FILE* f = fopen(path, "rb");
    size_t len = 0;
    char* text;
    cjose_err err;
    cjose_jwk_t* jwk;
    if (!f) {
        perror(path);
        exit(2);
    }
    text = read_all(f, &len);
    fclose(f);
    if (!text) exit(2);
    jwk = cjose_jwk_import(text, len, &err);
    free(text);
    if (!jwk) {
        fprintf(stderr, "cjose_jwk_import: %s\n", err.message);
        exit(2);
    }
    return jwk;
}

int main(int argc, char** argv) {
    cjose_err err;
    size_t len = 0;
    char* input;
    if (argc == 5 && strcmp(argv[1], "encrypt") == 0) {
        cjose_jwk_t* jwk = load_jwk(argv[4]);
        cjose_header_t* hdr = cjose_header_new(&err);
        cjose_jwe_t* jwe;
        char* compact;
        input = read_all(stdin, &len);
        if (!input || !hdr || !cjose_header_set(hdr, CJOSE_HDR_ALG, argv[2], &err) ||
            !cjose_header_set(hdr, CJOSE_HDR_ENC, argv[3], &err))
            return 2;
        jwe = cjose_jwe_encrypt(jwk, hdr, reinterpret_cast<const uint8_t*>(input), len, &err);
        if (!jwe) {
            fprintf(stderr, "cjose_jwe_encrypt: %s\n", err.message);
            return 1;
        }
        compact = cjose_jwe_export(jwe, &err);
        if (!compact) {
            fprintf(stderr, "cjose_jwe_export: %s\n", err.message);
            return 1;
        }
        fputs(compact, stdout);
        free(compact);
        cjose_jwe_release(jwe);
        cjose_header_release(hdr);
        cjose_jwk_release(jwk);
        free(input);
        return 0;
    }
    if (argc == 3 && strcmp(argv[1], "decrypt") == 0) {
        cjose_jwk_t* jwk = load_jwk(argv[2]);
        cjose_jwe_t* jwe;
        uint8_t* plain;
        size_t plain_len = 0;
        input = read_all(stdin, &len);
        if (!input) return 2;
        while (len > 0 && (input[len - 1] == '\n' || input[len - 1] == '\r')) input[--len] = '\0';
        jwe = cjose_jwe_import(input, len, &err);
        if (!jwe) {
            fprintf(stderr, "cjose_jwe_import: %s\n", err.message);
            return 1;
        }
        plain = cjose_jwe_decrypt(jwe, jwk, &plain_len, &err);
        if (!plain) {
            fprintf(stderr, "cjose_jwe_decrypt: %s\n", err.message);
            return 1;
        }
        fwrite(plain, 1, plain_len, stdout);
        cjose_get_dealloc()(plain);
        cjose_jwe_release(jwe);
        cjose_jwk_release(jwk);
        free(input);
        return 0;
    }
    fprintf(stderr, "usage: jwe_cjose encrypt ALG ENC JWK_FILE | jwe_cjose decrypt JWK_FILE\n");
    return 2;
}
