package dev.llmops.studio.dataset;

/** The kinds of personal data the dataset tools find and redact (GDPR: data that identifies a person). */
public enum PiiType {
    EMAIL("<EMAIL>", "e-mail address"),
    PHONE("<PHONE>", "phone number"),
    IBAN("<IBAN>", "IBAN"),
    PAYMENT_CARD("<CARD>", "payment card number"),
    IP_ADDRESS("<IP>", "IP address");

    private final String placeholder;
    private final String label;

    PiiType(String placeholder, String label) {
        this.placeholder = placeholder;
        this.label = label;
    }

    /** What a redacted text shows instead of the value. */
    public String placeholder() {
        return placeholder;
    }

    /** The name shown to people, in reports and the UI. */
    public String label() {
        return label;
    }
}
