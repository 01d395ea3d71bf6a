package io.roomsync.graph;

/** The national clouds a calendar provider can point at; CUSTOM takes its hosts from the provider (the sandbox). */
public enum GraphCloud {
    GLOBAL("https://login.microsoftonline.com", "https://graph.microsoft.com/v1.0"),
    US_GOV_HIGH("https://login.microsoftonline.us", "https://graph.microsoft.us/v1.0"),
    US_GOV_DOD("https://login.microsoftonline.us", "https://dod-graph.microsoft.us/v1.0"),
    CHINA("https://login.chinacloudapi.cn", "https://microsoftgraph.chinacloudapi.cn/v1.0"),
    CUSTOM(null, null);

    private final String authorityHost;
    private final String graphBaseUrl;

    GraphCloud(String authorityHost, String graphBaseUrl) {
        this.authorityHost = authorityHost;
        this.graphBaseUrl = graphBaseUrl;
    }

    public String authorityHost() {
        return authorityHost;
    }

    public String graphBaseUrl() {
        return graphBaseUrl;
    }
}
