// Shared helpers for Porter's tests: loopback servers, throwaway certificates.
