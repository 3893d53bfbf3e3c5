// JWK public keys to PEM through OpenSSL 3's key builders: libjwt 1.10 verifies with PEM only.
#include "app/inbound_auth.hpp"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>

#include "protocol/base64.hpp"

namespace tmcp::app {

namespace {

std::optional<std::string> base64url_decode(std::string text) {
  for (auto& c : text)
    c = c == '-' ? '+' : c == '_' ? '/' : c;
  while (text.size() % 4)
    text += '=';
  return base64_decode(text);
}

template <class T, void (*Free)(T*)>
struct owned {
  T* p = nullptr;
  ~owned() {
    if (p)
      Free(p);
  }
};

void free_bn(BIGNUM* b) { BN_free(b); }

} // namespace

expected<std::string, std::string> jwk_to_pem(const std::string& kty, const std::string& a,
                                              const std::string& b) {
  auto first = base64url_decode(a);
  auto second = base64url_decode(b);
  if (!first || !second || first->empty() || second->empty())
    return make_unexpected(std::string("key parameters are not base64url"));
  owned<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free> bld{OSSL_PARAM_BLD_new()};
  owned<BIGNUM, free_bn> n, e;
  std::string point;
  const char* type = nullptr;
  if (kty == "RSA") {
    type = "RSA";
    n.p = BN_bin2bn(reinterpret_cast<const unsigned char*>(first->data()),
                    static_cast<int>(first->size()), nullptr);
    e.p = BN_bin2bn(reinterpret_cast<const unsigned char*>(second->data()),
                    static_cast<int>(second->size()), nullptr);
    if (!n.p || !e.p || !OSSL_PARAM_BLD_push_BN(bld.p, OSSL_PKEY_PARAM_RSA_N, n.p)
        || !OSSL_PARAM_BLD_push_BN(bld.p, OSSL_PKEY_PARAM_RSA_E, e.p))
      return make_unexpected(std::string("bad RSA key"));
  } else if (kty == "EC") {
    type = "EC";
    if (first->size() != 32 || second->size() != 32)
      return make_unexpected(std::string("only P-256 EC keys are supported"));
    point = std::string(1, '\x04') + *first + *second;
    if (!OSSL_PARAM_BLD_push_utf8_string(bld.p, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0)
        || !OSSL_PARAM_BLD_push_octet_string(bld.p, OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                             point.size()))
      return make_unexpected(std::string("bad EC key"));
  } else {
    return make_unexpected("unsupported key type '" + kty + "' (RSA or EC)");
  }
  owned<OSSL_PARAM, OSSL_PARAM_free> params{OSSL_PARAM_BLD_to_param(bld.p)};
  owned<EVP_PKEY_CTX, EVP_PKEY_CTX_free> ctx{EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr)};
  EVP_PKEY* raw = nullptr;
  if (!params.p || !ctx.p || EVP_PKEY_fromdata_init(ctx.p) <= 0
      || EVP_PKEY_fromdata(ctx.p, &raw, EVP_PKEY_PUBLIC_KEY, params.p) <= 0)
    return make_unexpected(std::string("OpenSSL rejected the key"));
  owned<EVP_PKEY, EVP_PKEY_free> pkey{raw};
  owned<BIO, BIO_free_all> bio{BIO_new(BIO_s_mem())};
  if (!bio.p || PEM_write_bio_PUBKEY(bio.p, pkey.p) != 1)
    return make_unexpected(std::string("cannot write the key as PEM"));
  char* data = nullptr;
  auto len = BIO_get_mem_data(bio.p, &data);
  return std::string(data, static_cast<std::size_t>(len));
}

} // namespace tmcp::app
