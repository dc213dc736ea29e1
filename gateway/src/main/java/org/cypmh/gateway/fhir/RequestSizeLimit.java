package org.cypmh.gateway.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.server.exceptions.PayloadTooLargeException;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses request bodies over {@code gateway.fhir.max-request-size} with 413 and an
 * OperationOutcome. A declared Content-Length is checked up front; a chunked body is counted as it
 * is read and cut off at the limit, so an oversized upload is never buffered whole.
 */
@Configuration(proxyBeanMethods = false)
class RequestSizeLimit {

  @Bean
  FilterRegistrationBean<LimitFilter> requestSizeLimitFilter(
      FhirServerProperties properties, FhirContext fhirContext) {
    var registration =
        new FilterRegistrationBean<>(
            new LimitFilter(properties.maxRequestSize().toBytes(), fhirContext));
    registration.addUrlPatterns("/fhir/*");
    registration.setOrder(0);
    return registration;
  }

  static final class LimitFilter extends OncePerRequestFilter {
    private final long maxBytes;
    private final FhirContext fhirContext;

    LimitFilter(long maxBytes, FhirContext fhirContext) {
      this.maxBytes = maxBytes;
      this.fhirContext = fhirContext;
    }

    @Override
    protected void doFilterInternal(
        HttpServletRequest request, HttpServletResponse response, FilterChain chain)
        throws ServletException, IOException {
      if (request.getContentLengthLong() > maxBytes) {
        reject(response);
        return;
      }
      chain.doFilter(new CountedRequest(request, maxBytes), response);
    }

    private void reject(HttpServletResponse response) throws IOException {
      OperationOutcome outcome =
          ErrorOutcome.of(
              OperationOutcome.IssueType.TOOLONG,
              "Request body exceeds the gateway's limit of " + maxBytes + " bytes.");
      response.setStatus(413);
      response.setContentType(Constants.CT_FHIR_JSON_NEW + ";charset=UTF-8");
      response.setHeader("Connection", "close");
      response.getWriter().write(fhirContext.newJsonParser().encodeResourceToString(outcome));
    }
  }

  private static final class CountedRequest extends HttpServletRequestWrapper {
    private final long maxBytes;
    private ServletInputStream counted;

    CountedRequest(HttpServletRequest request, long maxBytes) {
      super(request);
      this.maxBytes = maxBytes;
    }

    @Override
    public ServletInputStream getInputStream() throws IOException {
      if (counted == null) {
        counted = new CountedStream(super.getInputStream(), maxBytes);
      }
      return counted;
    }
  }

  private static final class CountedStream extends ServletInputStream {
    private final ServletInputStream delegate;
    private final long maxBytes;
    private long read;

    CountedStream(ServletInputStream delegate, long maxBytes) {
      this.delegate = delegate;
      this.maxBytes = maxBytes;
    }

    @Override
    public int read() throws IOException {
      int b = delegate.read();
      if (b >= 0) {
        count(1);
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int n = delegate.read(buffer, offset, length);
      if (n > 0) {
        count(n);
      }
      return n;
    }

    private void count(int n) {
      read += n;
      if (read > maxBytes) {
        // HAPI turns this into its own 413 OperationOutcome while it reads the body.
        throw new PayloadTooLargeException(
            "Request body exceeds the gateway's limit of " + maxBytes + " bytes.");
      }
    }

    @Override
    public boolean isFinished() {
      return delegate.isFinished();
    }

    @Override
    public boolean isReady() {
      return delegate.isReady();
    }

    @Override
    public void setReadListener(ReadListener listener) {
      delegate.setReadListener(listener);
    }
  }
}
