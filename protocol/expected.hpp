// A minimal expected<T, E> for C++17: errors are values at every layer.
#pragma once

#include <utility>
#include <variant>

namespace tmcp {

template <class E>
struct unexpected {
  E error;
};

template <class E>
unexpected<E> make_unexpected(E e) {
  return unexpected<E>{std::move(e)};
}

template <class T, class E>
class expected {
public:
  expected(T value) : v_(std::in_place_index<0>, std::move(value)) {}
  expected(unexpected<E> e) : v_(std::in_place_index<1>, std::move(e.error)) {}

  bool has_value() const { return v_.index() == 0; }
  explicit operator bool() const { return has_value(); }
  T& value() { return std::get<0>(v_); }
  const T& value() const { return std::get<0>(v_); }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  E& error() { return std::get<1>(v_); }
  const E& error() const { return std::get<1>(v_); }

private:
  std::variant<T, E> v_;
};

} // namespace tmcp
