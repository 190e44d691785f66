// SPDX-License-Identifier: MIT
// Fixed private keys for the fuzz targets (so seed tokens stay valid across runs). Test keys only, published on
// purpose: never trust them for anything. tests/fuzz/keys/README.md has the commands that made them.
#pragma once

namespace jot_fuzz::keys {

/// RSA 2048 bits (RS256..PS512), PKCS#8.
inline constexpr const char rsa[] = R"(-----BEGIN PRIVATE KEY-----
MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQDJG2gAv2MCJAjG
SBPVG7xWSu+d5SzlFTRj0EW7Yo0qCDEmYoGY2LWBYolpBr15n+TPMZYDAqY0I5NB
J/Hvbk0AWgNOCbzS5BNWg70FyCrCiCFL6ngnXkCUaxSYG6TygYQym/83HmqgCcMV
wb6KEVXGyO6FdfsafNnJhEl7M/bhjHOpX/ith6h38xzI8gLuUw/ZY3nScv0QCv9D
UlC/9nHCpWvGTrff3VEZzQYIziBKAeAQR8OibwDfkkd4G8SyRHGvJWRX3BtNUIuF
0nUBP613pc+zFg/Z/xhUDU+m9PJOc2cPejdg/HKUmsdAvRy0Y6Dn49fvYdCemD3u
nZ/+/SOJAgMBAAECggEAHeHOoF3Pzl+gViYbnEzUvVXBKQsGkruF31bxJZjNNPOm
qfd1HksFHUaQ+GQh/1J84zSQ/72DCLhIhyPyVQtksaquVwgnYIa3QOGuUo+dmu4z
VF5woBjnK6aFltx0s/v+sq5vS7dfTIxmynLRZx6QSktM9dPEDfmDOuhHKuFby8OZ
dbhIVWz6mr4PSaJhYAlSIkMxZd6x5rkXZm10pqkSewXapsz8eHmX4wCL6Qeelq2y
QTNZ34aSH8xbA5TlIOVf6j2QX46XeJO25qPQbe7G2Lyh1ZuJYYNZb98YUjXj2f4R
JQ1SZx+UpfdtE4sP4HPKYZGfOioxsdsQn1axhtFdyQKBgQDkHmyFEmx68c2JEJdk
yWi8qFyilJ1rlWdbvh6TM+GinPP4T/mglurwd4Nrh6lqjRi4Mh4Wa1gqzMLlB5Ve
VEPsi7oKv9+XlYdBlMZAGwbBoqpGqfHYXXs0YquCHO+j5CBieg6AsC2Jg+ozkeet
0zz/9JIs7Qx2bTnBKwRbzd/vDwKBgQDhr9CJ6AuPvwSppyt7U7Dn5Ef+R1ktBMlw
UowlwLf61i/olnd+7e7zT0GWd5YuqI5G+FtVi59IvEE/AQKsqzmmiQNIbIgvnZ/E
LM89vS4fUXKA08q0LDXJrLOpOfCJW5rPFTl2vqL2Kz1MrYQBennI0jHxXQt8DSz/
1Eika+zD5wKBgQDgZBT3aUIQRd6aHxns6DoAqdRFkM6wzwwWsJM+1V/0J1PNRE4W
65064TUDBzVdPGG+fn4eK4VUxIpJ5AXH/je6bU+Z11fHsiyUFBZXZL5mpu28CNt+
q6XPx+dRW8lWe8ZnWA0ABU0l4f70r2coE4wDcr5/NsZ1j8ep/fiRnZfTfQKBgQCG
r0zNsCyOKZoXwQsC+4wcp7CLQHsoka3BmZHHyf5B9Ob8cCd6GXa7v3XN3SpESBU4
p2iiYcO6PZbWibzV3Q13pFbQNu0DNZcuFOvM1YSb7hheZ4aWBbhH1ggWGtzArGlz
4h+8DMLmFCHuC7M2yqe5QC/L8hIzgw1y03ZSoZHXywKBgFv/WOjE1fCvPuV57NYL
ccbLN9bmQ+5c7oBUHl1xVZxnkshm3/5LlgqWK0pwqOfPOkY41fEPRJ5/oGl9JDPW
OTM7cZWbt2FeSvlBg4OrcXUuh+307ltnzhiHGG0GqAObQqXc8/x+36Ec9qIrnSvJ
SQy2NxzHdCu/0Frtxa+vf4gW
-----END PRIVATE KEY-----
)";

/// P-256 (ES256), PKCS#8.
inline constexpr const char p256[] = R"(-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgaM+7Mce+WUfLrLrh
Zc+pcwztHaZT9WAQLHG2m1LEWqqhRANCAASWTqxUy5GUWr3wzx73CJRv6fiCFDOm
aXYgXlxHASQ+heOA4c0VM5Uolo3Wk4zgLjaMErY7zqYlTQZ3pGKEotjQ
-----END PRIVATE KEY-----
)";

/// P-384 (ES384), PKCS#8.
inline constexpr const char p384[] = R"(-----BEGIN PRIVATE KEY-----
MIG2AgEAMBAGByqGSM49AgEGBSuBBAAiBIGeMIGbAgEBBDA3DVbedlNED92UGbpq
Z5TlyWigOdETg+H/0nn7G6sxbjMiwbyAGWUqriESWBMe7LahZANiAASjOg8udOAH
GsLY01e1tZzGJLGb7TiYvYUmMYpIPoLLXkMqj8JQODuZoeDQKFxM68rcml1bA7vZ
z2EQk2Jh3paCONlZ91M9pyHnzXlWD30YQzYDBoTPPlVrXhHKjL/z+QI=
-----END PRIVATE KEY-----
)";

/// P-521 (ES512), PKCS#8.
inline constexpr const char p521[] = R"(-----BEGIN PRIVATE KEY-----
MIHuAgEAMBAGByqGSM49AgEGBSuBBAAjBIHWMIHTAgEBBEIAeU3ksDpRLWKKpT1e
dAziKlqZkOBGfnG+2zECHxQfzl9WzKBMq3mVGjyOs16m1jvf3w94mj7jcp+umD4X
DLaw+V6hgYkDgYYABACt+yJChO4S8V4FxiKcbEydssI8V7kZDVcEELzxMPFTpY4Q
nozbpUUG2VmTl8CwnP/Y24fUZP07WNNXmGRNfYFCZgD1lyJ7Zl/FjmFptH299d78
Iv8GB5TZH+PrF0shNdygcT6ecEsdqD32kmTDf1yDTguts5AYO0kE5/mERK5KGjl1
ag==
-----END PRIVATE KEY-----
)";

/// secp256k1 (ES256K), PKCS#8.
inline constexpr const char secp256k1[] = R"(-----BEGIN PRIVATE KEY-----
MIGEAgEAMBAGByqGSM49AgEGBSuBBAAKBG0wawIBAQQggi4pbFbdcycFWcA5i7lC
qc9q3vH5i0bDb/l8pH5hxiyhRANCAARrcrTThc0iVwUDNs7wPAltKvlt/RHZbes5
7hG+ZjPueHeB4pFugpfV5OWSX3JRQYaY26bspgTQeOVHizjjR2jl
-----END PRIVATE KEY-----
)";

/// Ed25519 (EdDSA, Ed25519), PKCS#8.
inline constexpr const char ed25519[] = R"(-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEIIEIvLcWje6EiBBgtJbYnIerVsSOVL7/2ecYX657lF5S
-----END PRIVATE KEY-----
)";

/// Ed448 (EdDSA, Ed448), PKCS#8.
inline constexpr const char ed448[] = R"(-----BEGIN PRIVATE KEY-----
MEcCAQAwBQYDK2VxBDsEOZKi0cBKglrxwcGiTFX3aDOyBLgXZdtIOcS+Ak/0f+oq
xQ+i6Sua0vUMFNSa2Pf9xw1gHZNf6Qlu1A==
-----END PRIVATE KEY-----
)";

} // namespace jot_fuzz::keys
