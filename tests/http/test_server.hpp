// SPDX-License-Identifier: MIT
// Test helpers for jot::http: a CA and a server certificate made with OpenSSL at run time, and a scripted
// cpp-httplib HTTPS (or plain HTTP) server on 127.0.0.1 whose routes the test changes while it runs.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>

#include <httplib.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

namespace jot_test {

/// A temporary folder removed at exit of the object (files only, no subfolders).
struct temp_dir {
    std::string path;
    temp_dir() {
        std::string tmpl = "/tmp/jot-http-XXXXXX";
        if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
        path = tmpl;
    }
    ~temp_dir() { std::system(("rm -rf '" + path + "'").c_str()); }
    std::string file(const std::string& name) const { return path + "/" + name; }
};

/// A CA certificate and a server certificate it signs for 127.0.0.1 (IP SAN) and the name "jot.test", as PEM
/// files: ca.pem for the client, server.pem and server.key for the server. A second, unrelated CA (other-ca.pem)
/// lets a test present a trust store that does not include the server's issuer.
class certificates {
public:
    certificates() {
        auto ca_key = ec_key();
        auto ca = make_cert(ca_key.get(), nullptr, ca_key.get(), "jot test CA", true);
        write(dir_.file("ca.pem"), ca.get());
        auto other_key = ec_key();
        auto other = make_cert(other_key.get(), nullptr, other_key.get(), "unrelated CA", true);
        write(dir_.file("other-ca.pem"), other.get());
        auto server_key = ec_key();
        auto server = make_cert(server_key.get(), ca.get(), ca_key.get(), "127.0.0.1", false);
        write(dir_.file("server.pem"), server.get());
        FILE* f = std::fopen(dir_.file("server.key").c_str(), "w");
        if (!f || !PEM_write_PrivateKey(f, server_key.get(), nullptr, nullptr, 0, nullptr, nullptr))
            throw std::runtime_error("cannot write server.key");
        std::fclose(f);
    }
    std::string ca_file() const { return dir_.file("ca.pem"); }
    std::string other_ca_file() const { return dir_.file("other-ca.pem"); }
    std::string cert_file() const { return dir_.file("server.pem"); }
    std::string key_file() const { return dir_.file("server.key"); }
    const temp_dir& dir() const { return dir_; }

private:
    using pkey_ptr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
    using x509_ptr = std::unique_ptr<X509, decltype(&X509_free)>;

    static pkey_ptr ec_key() {
        pkey_ptr k(EVP_EC_gen("P-256"), &EVP_PKEY_free);
        if (!k) throw std::runtime_error("EVP_EC_gen failed");
        return k;
    }
    static void add_ext(X509* cert, X509* issuer, int nid, const char* value) {
        X509V3_CTX ctx;
        X509V3_set_ctx_nodb(&ctx);
        X509V3_set_ctx(&ctx, issuer ? issuer : cert, cert, nullptr, nullptr, 0);
        X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
        if (!ext || !X509_add_ext(cert, ext, -1)) throw std::runtime_error("cannot add a certificate extension");
        X509_EXTENSION_free(ext);
    }
    static x509_ptr make_cert(EVP_PKEY* key, X509* issuer, EVP_PKEY* issuer_key, const char* cn, bool is_ca) {
        static int serial = 1;
        x509_ptr cert(X509_new(), &X509_free);
        X509_set_version(cert.get(), 2);
        ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial++);
        X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
        X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24 * 3600);
        X509_set_pubkey(cert.get(), key);
        X509_NAME* name = X509_get_subject_name(cert.get());
        X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn), -1, -1, 0);
        X509_set_issuer_name(cert.get(), issuer ? X509_get_subject_name(issuer) : name);
        if (is_ca) {
            add_ext(cert.get(), issuer, NID_basic_constraints, "critical,CA:TRUE");
            add_ext(cert.get(), issuer, NID_key_usage, "critical,keyCertSign,cRLSign");
        } else {
            add_ext(cert.get(), issuer, NID_basic_constraints, "critical,CA:FALSE");
            add_ext(cert.get(), issuer, NID_subject_alt_name, "IP:127.0.0.1,DNS:jot.test");
            add_ext(cert.get(), issuer, NID_ext_key_usage, "serverAuth");
        }
        if (!X509_sign(cert.get(), issuer_key, EVP_sha256())) throw std::runtime_error("X509_sign failed");
        return cert;
    }
    static void write(const std::string& path, X509* cert) {
        FILE* f = std::fopen(path.c_str(), "w");
        if (!f || !PEM_write_X509(f, cert)) throw std::runtime_error("cannot write " + path);
        std::fclose(f);
    }

    temp_dir dir_;
};

/// A server on 127.0.0.1 (HTTPS with `certs`, or plain HTTP without) on a port the system picks. Each route
/// is a function the test can replace at any time; hits counts the requests per path. Handlers that must be
/// slow call pause(), which returns early when the server stops, so no test waits on a sleeping handler.
class test_server {
public:
    using handler = std::function<void(const httplib::Request&, httplib::Response&)>;

    explicit test_server(const certificates* certs = nullptr) {
        if (certs) server_ = std::make_unique<httplib::SSLServer>(certs->cert_file().c_str(), certs->key_file().c_str());
        else server_ = std::make_unique<httplib::Server>();
        if (!server_->is_valid()) throw std::runtime_error("test server is not valid");
        server_->Get(R"(/.*)", [this](const httplib::Request& req, httplib::Response& res) {
            handler h;
            {
                std::lock_guard<std::mutex> lock(m_);
                ++hits_[req.path];
                const auto it = routes_.find(req.path);
                if (it != routes_.end()) h = it->second;
            }
            if (h) h(req, res);
            else res.status = 404;
        });
        port_ = server_->bind_to_any_port("127.0.0.1");
        if (port_ <= 0) throw std::runtime_error("cannot bind 127.0.0.1");
        thread_ = std::thread([this] { server_->listen_after_bind(); });
        while (!server_->is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
        scheme_ = certs ? "https" : "http";
    }
    ~test_server() { stop(); }

    void stop() {
        {
            std::lock_guard<std::mutex> lock(m_);
            stopping_ = true;
        }
        cv_.notify_all();
        server_->stop();
        if (thread_.joinable()) thread_.join();
    }

    void route(const std::string& path, handler h) {
        std::lock_guard<std::mutex> lock(m_);
        routes_[path] = std::move(h);
    }
    int hits(const std::string& path) const {
        std::lock_guard<std::mutex> lock(m_);
        const auto it = hits_.find(path);
        return it == hits_.end() ? 0 : it->second;
    }
    /// Sleeps up to `d`, less if the server stops meanwhile.
    void pause(std::chrono::milliseconds d) {
        std::unique_lock<std::mutex> lock(m_);
        cv_.wait_for(lock, d, [&] { return stopping_; });
    }
    int port() const { return port_; }
    std::string url(const std::string& path, const std::string& host = "127.0.0.1") const {
        return scheme_ + "://" + host + ":" + std::to_string(port_) + path;
    }

private:
    std::unique_ptr<httplib::Server> server_;
    std::thread thread_;
    int port_ = 0;
    std::string scheme_;
    mutable std::mutex m_;
    std::condition_variable cv_;
    bool stopping_ = false;
    std::map<std::string, handler> routes_;
    std::map<std::string, int> hits_;
};

} // namespace jot_test
