package io.roomsync.tenant;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.util.Objects;

/** A stored tenant property value; absent rows mean the property's default. */
@Entity
@Table(name = "tenant_property")
public class TenantProperty {
    @Embeddable
    public static class Key implements Serializable {
        public Long tenantId;
        public String name;

        public Key() {}

        public Key(Long tenantId, String name) {
            this.tenantId = tenantId;
            this.name = name;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Objects.equals(tenantId, k.tenantId) && Objects.equals(name, k.name);
        }

        @Override
        public int hashCode() {
            return Objects.hash(tenantId, name);
        }
    }

    @EmbeddedId
    public Key key;
    @Column(name = "prop_value")
    public String value;
}
