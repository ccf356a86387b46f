// Starts Swagger UI on /api/v1/docs (an external file: the Content-Security-Policy allows no
// inline script). Swagger UI itself comes from the swagger-ui-py package, served by the app.
"use strict";
(() => {
  const root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.dataset.openapiUrl,
    dom_id: "#swagger-ui",
    layout: "BaseLayout",
    deepLinking: true,
    showExtensions: true,
    showCommonExtensions: true,
    // The default validator is an outside service (and its badge an outside image).
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],
  });
})();
