// A throw-away self-signed certificate (P-256, SAN DNS:localhost only) made with the OpenSSL C
// API at test time, written as PEM files into a fresh temporary directory.
#pragma once

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace tmcp::test {

struct test_cert {
  std::string dir;
  std::string cert_file; // PEM certificate; also the CA file that trusts it
  std::string key_file;  // PEM private key
  bool ok = false;

  test_cert() {
    char tmpl[] = "/tmp/tmcp-cert-XXXXXX";
    if (!mkdtemp(tmpl))
      return;
    dir = tmpl;
    cert_file = dir + "/cert.pem";
    key_file = dir + "/key.pem";
    ok = make();
  }

  ~test_cert() {
    std::remove(cert_file.c_str());
    std::remove(key_file.c_str());
    std::remove(dir.c_str());
  }

private:
  bool make() {
    EVP_PKEY* key = EVP_EC_gen("P-256");
    X509* x = X509_new();
    bool good = key && x;
    if (good) {
      X509_set_version(x, 2);
      ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
      X509_gmtime_adj(X509_getm_notBefore(x), -3600);
      X509_gmtime_adj(X509_getm_notAfter(x), 24 * 3600);
      X509_set_pubkey(x, key);
      auto* name = X509_get_subject_name(x);
      X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                 reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
      X509_set_issuer_name(x, name);
      X509V3_CTX ctx;
      X509V3_set_ctx_nodb(&ctx);
      X509V3_set_ctx(&ctx, x, x, nullptr, nullptr, 0);
      for (auto [nid, value] : {std::pair{NID_subject_alt_name, "DNS:localhost"},
                                std::pair{NID_basic_constraints, "critical,CA:TRUE"}}) {
        X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
        good = good && ext && X509_add_ext(x, ext, -1) == 1;
        X509_EXTENSION_free(ext);
      }
      good = good && X509_sign(x, key, EVP_sha256()) > 0;
    }
    if (good) {
      FILE* kf = std::fopen(key_file.c_str(), "w");
      FILE* cf = std::fopen(cert_file.c_str(), "w");
      good = kf && cf && PEM_write_PrivateKey(kf, key, nullptr, nullptr, 0, nullptr, nullptr) == 1
             && PEM_write_X509(cf, x) == 1;
      if (kf)
        std::fclose(kf);
      if (cf)
        std::fclose(cf);
    }
    X509_free(x);
    EVP_PKEY_free(key);
    return good;
  }
};

} // namespace tmcp::test
