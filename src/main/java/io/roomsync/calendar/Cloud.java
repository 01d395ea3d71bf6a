package io.roomsync.calendar;

/**
 * The Microsoft cloud a provider's Entra tenant lives in. National clouds have their own sign-in and Graph hosts;
 * CUSTOM takes both from the provider (a proxy in front of Graph, or the Exchange sandbox).
 */
public enum Cloud {
    GLOBAL("Global (Microsoft 365)", "login.microsoftonline.com", "https://graph.microsoft.com"),
    US_GOV_GCC_HIGH("US Government GCC High", "login.microsoftonline.us", "https://graph.microsoft.us"),
    US_GOV_DOD("US Government DoD", "login.microsoftonline.us", "https://dod-graph.microsoft.us"),
    CHINA("China (operated by 21Vianet)", "login.chinacloudapi.cn", "https://microsoftgraph.chinacloudapi.cn"),
    CUSTOM("Custom endpoints", null, null);

    public final String label;
    /** Host (no scheme) of the identity platform; null for CUSTOM. */
    public final String authorityHost;
    /** Graph root without the API version ("/v1.0" is added by the Graph client); null for CUSTOM. */
    public final String graphBaseUrl;

    Cloud(String label, String authorityHost, String graphBaseUrl) {
        this.label = label;
        this.authorityHost = authorityHost;
        this.graphBaseUrl = graphBaseUrl;
    }
}
